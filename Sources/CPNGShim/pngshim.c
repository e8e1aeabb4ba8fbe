// See pngshim.h. Error handling: libpng calls on_error, which copies the message into the context
// and longjmps back to the setjmp in the calling function; that function frees what it allocated
// (pointers kept in memory that longjmp does not clobber: the context or the out struct).
#include "pngshim.h"
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

typedef struct {
    char *error;
    size_t capacity;
    char last_warning[256];  // libpng explains some errors only in a preceding warning
} shim_context;

static void copy_message(char *dst, size_t capacity, const char *message) {
    if (capacity == 0) return;
    snprintf(dst, capacity, "%s", message ? message : "unknown libpng error");
}

static void on_error(png_structp png, png_const_charp message) {
    shim_context *ctx = (shim_context *)png_get_error_ptr(png);
    if (ctx) {
        if (ctx->last_warning[0] && ctx->capacity > 0) {
            snprintf(ctx->error, ctx->capacity, "%s (%s)", message ? message : "libpng error", ctx->last_warning);
        } else {
            copy_message(ctx->error, ctx->capacity, message);
        }
    }
    png_longjmp(png, 1);
}

// Warnings (e.g. a bad CRC in an ancillary chunk, which libpng then skips) are not errors; the
// latest one is kept to explain an error that follows it.
static void on_warning(png_structp png, png_const_charp message) {
    shim_context *ctx = (shim_context *)png_get_error_ptr(png);
    if (ctx) snprintf(ctx->last_warning, sizeof ctx->last_warning, "%s", message ? message : "");
}

int pngshim_version(void) { return PNG_LIBPNG_VER; }

// Our own read callback, so a short file says "truncated" rather than libpng's bare "Read Error".
static void read_from_file(png_structp png, png_bytep data, size_t length) {
    FILE *file = (FILE *)png_get_io_ptr(png);
    size_t got = fread(data, 1, length, file);
    if (got != length) {
        if (ferror(file)) png_error(png, "read error from the file system");
        png_error(png, "file is truncated (unexpected end of data)");
    }
}

void pngshim_free(pngshim_image *image) {
    if (!image) return;
    free(image->pixels);
    if (image->texts) {
        for (int i = 0; i < image->text_count; i++) {
            free(image->texts[i].key);
            free(image->texts[i].value);
        }
        free(image->texts);
    }
    memset(image, 0, sizeof *image);
}

static int copy_texts(png_structp png, png_infop info, pngshim_image *out, shim_context *ctx) {
    png_textp text = NULL;
    int count = 0;
    png_get_text(png, info, &text, &count);
    if (count <= 0) return 0;
    out->texts = calloc((size_t)count, sizeof(pngshim_text));
    if (!out->texts) { copy_message(ctx->error, ctx->capacity, "out of memory for text chunks"); return -1; }
    for (int i = 0; i < count; i++) {
        out->text_count = i + 1;  // so pngshim_free releases what was copied so far
        pngshim_text *t = &out->texts[i];
        const char *key = text[i].key ? text[i].key : "";
        int compression = text[i].compression;
        size_t length = compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length : text[i].text_length;
        if (text[i].text == NULL) length = 0;
        t->key = strdup(key);
        t->value = malloc(length + 1);
        if (!t->key || !t->value) { copy_message(ctx->error, ctx->capacity, "out of memory for text chunks"); return -1; }
        if (length) memcpy(t->value, text[i].text, length);
        t->value[length] = 0;
        t->value_length = length;
        t->kind = compression == PNG_TEXT_COMPRESSION_NONE ? 0 : compression == PNG_TEXT_COMPRESSION_zTXt ? 1 : 2;
    }
    return 0;
}

// libpng allocates (and zeroes) a buffer of a chunk's declared length before it reads the chunk, so
// a 45-byte file whose tEXt chunk declares 2^31-1 bytes would cost 2 GiB. This walk over the chunk
// headers (a seek per chunk, no data read) refuses any chunk but IDAT that declares more than
// PNGSHIM_MAX_CHUNK_BYTES before libpng sees it. IDAT is read in small pieces, whatever its length.
// The walk stops at IEND or where the file ends; libpng then reports a truncation as before.
static int check_chunk_lengths(FILE *file, char *error, size_t error_capacity) {
    long position = 8;
    for (;;) {
        unsigned char header[8];
        if (fseek(file, position, SEEK_SET) != 0 || fread(header, 1, 8, file) != 8) break;
        uint32_t length = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 | (uint32_t)header[2] << 8 | header[3];
        int is_idat = memcmp(header + 4, "IDAT", 4) == 0;
        if (!is_idat && length > PNGSHIM_MAX_CHUNK_BYTES) {
            char type[5];
            for (int i = 0; i < 4; i++) type[i] = (header[4 + i] >= 33 && header[4 + i] <= 126) ? (char)header[4 + i] : '?';
            type[4] = 0;
            char message[256];
            snprintf(message, sizeof message, "chunk '%s' declares %u bytes, more than the %u-byte limit for a chunk other than IDAT",
                     type, (unsigned)length, (unsigned)PNGSHIM_MAX_CHUNK_BYTES);
            copy_message(error, error_capacity, message);
            return -1;
        }
        if (memcmp(header + 4, "IEND", 4) == 0) break;
        position += 12 + (long)length;
    }
    if (fseek(file, 8, SEEK_SET) != 0) {
        copy_message(error, error_capacity, "cannot seek in the file");
        return -1;
    }
    return 0;
}

int pngshim_read(const char *path, uint64_t max_pixels, pngshim_image *out, char *error, size_t error_capacity) {
    memset(out, 0, sizeof *out);
    copy_message(error, error_capacity, "");
    shim_context ctx = { error, error_capacity, "" };

    FILE *file = fopen(path, "rb");
    if (!file) {
        char message[256];
        snprintf(message, sizeof message, "cannot open: %s", strerror(errno));
        copy_message(error, error_capacity, message);
        return -1;
    }
    unsigned char signature[8];
    size_t got = fread(signature, 1, 8, file);
    if (got == 0) { fclose(file); copy_message(error, error_capacity, "empty file"); return -1; }
    if (got < 8 || png_sig_cmp(signature, 0, 8) != 0) {
        fclose(file);
        copy_message(error, error_capacity, "not a PNG file (bad signature)");
        return -1;
    }
    if (check_chunk_lengths(file, error, error_capacity) != 0) { fclose(file); return -1; }

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png) { fclose(file); copy_message(error, error_capacity, "cannot create libpng read struct"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        fclose(file);
        copy_message(error, error_capacity, "cannot create libpng info struct");
        return -1;
    }
    // Row pointers live in the heap, reachable from here after a longjmp through this volatile.
    png_bytep *volatile rows = NULL;

    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        pngshim_free(out);
        png_destroy_read_struct(&png, &info, NULL);
        fclose(file);
        return -1;
    }

    png_set_read_fn(png, file, read_from_file);
    png_set_sig_bytes(png, 8);
    // libpng's own caps: dimensions and any single ancillary chunk (text) at most 8 MiB.
    png_set_user_limits(png, 1u << 24, 1u << 24);
    png_set_chunk_malloc_max(png, PNGSHIM_MAX_CHUNK_BYTES);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    out->source_bit_depth = bit_depth;
    out->source_color_type = color_type;
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        char message[256];
        snprintf(message, sizeof message, "image is %ux%u = %llu pixels, more than the limit of %llu",
                 (unsigned)width, (unsigned)height, (unsigned long long)width * height,
                 (unsigned long long)max_pixels);
        copy_message(error, error_capacity, message);
        png_longjmp(png, 1);
    }

    // Everything becomes 8-bit RGB or RGBA. 16-bit samples are scaled with rounding
    // (png_set_scale_16: v8 = round(v16 * 255 / 65535)), not truncated to the high byte.
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_scale_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || rowbytes != (size_t)width * (size_t)channels) {
        copy_message(error, error_capacity, "unsupported PNG layout after conversion");
        png_longjmp(png, 1);
    }
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->pixels = malloc(rowbytes * height ? rowbytes * height : 1);
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!out->pixels || !rows) {
        copy_message(error, error_capacity, "out of memory for the pixels");
        png_longjmp(png, 1);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = out->pixels + (size_t)y * rowbytes;
    png_read_image(png, rows);
    // Passing `info` again collects text chunks after the image data together with those before it.
    png_read_end(png, info);
    if (copy_texts(png, info, out, &ctx) != 0) png_longjmp(png, 1);
    free(rows);
    rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    fclose(file);
    return 0;
}

int pngshim_write(const char *path, uint32_t width, uint32_t height, int channels,
                  const unsigned char *pixels, int text_count, const char *const *keys,
                  const unsigned char *const *values, const size_t *value_lengths, const int *kinds,
                  char *error, size_t error_capacity) {
    copy_message(error, error_capacity, "");
    shim_context ctx = { error, error_capacity, "" };
    if (channels != 3 && channels != 4) { copy_message(error, error_capacity, "channels must be 3 or 4"); return -1; }
    if (width == 0 || height == 0) { copy_message(error, error_capacity, "PNG needs width and height >= 1"); return -1; }

    FILE *volatile file = fopen(path, "wb");
    if (!file) {
        char message[256];
        snprintf(message, sizeof message, "cannot create: %s", strerror(errno));
        copy_message(error, error_capacity, message);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        fclose(file);
        copy_message(error, error_capacity, "cannot create libpng write struct");
        return -1;
    }
    png_textp volatile text = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(text);
        free(rows);
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return -1;
    }
    png_init_io(png, file);
    // Fixed encoder settings so the same pixels give the same bytes (for a given zlib).
    png_set_compression_level(png, 6);
    png_set_IHDR(png, info, width, height, 8, channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) {
        text = calloc((size_t)text_count, sizeof(png_text));
        if (!text) { copy_message(error, error_capacity, "out of memory for text chunks"); png_longjmp(png, 1); }
        for (int i = 0; i < text_count; i++) {
            text[i].key = (png_charp)keys[i];
            text[i].text = (png_charp)values[i];
            if (kinds[i] == 2) {
                text[i].compression = PNG_ITXT_COMPRESSION_NONE;
                text[i].itxt_length = value_lengths[i];
                text[i].lang = NULL;
                text[i].lang_key = NULL;
            } else {
                text[i].compression = PNG_TEXT_COMPRESSION_NONE;
                text[i].text_length = value_lengths[i];
            }
        }
        png_set_text(png, info, text, text_count);
    }
    png_write_info(png, info);
    size_t rowbytes = (size_t)width * (size_t)channels;
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) { copy_message(error, error_capacity, "out of memory for row pointers"); png_longjmp(png, 1); }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * rowbytes);
    png_write_image(png, rows);
    png_write_end(png, info);
    free(text);
    free(rows);
    png_destroy_write_struct(&png, &info);

    // A full disk often shows only here: check the flush, the sync and the close.
    int failed = fflush(file) != 0 || ferror(file);
    if (!failed && fsync(fileno(file)) != 0) failed = 1;
    int saved = errno;
    if (fclose(file) != 0 && !failed) { failed = 1; saved = errno; }
    if (failed) {
        char message[256];
        snprintf(message, sizeof message, "write failed: %s", strerror(saved));
        copy_message(error, error_capacity, message);
        return -1;
    }
    return 0;
}
