// A small C layer over libpng's classic API. libpng reports errors with longjmp, and Swift cannot
// call setjmp, so every setjmp lives here: each function returns 0 on success or -1 with a message
// copied into the caller's buffer. Nothing here prints or aborts.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define PNGSHIM_ERROR_CAPACITY 512
/// The largest chunk other than IDAT that a file may declare (text chunks, sPLT, iCCP...): 8 MiB.
#define PNGSHIM_MAX_CHUNK_BYTES (8u << 20)

/// One text chunk as stored. `kind`: 0 = tEXt (Latin-1 value), 1 = zTXt (Latin-1, compressed),
/// 2 = iTXt (UTF-8 value). Keys are Latin-1 in every kind.
typedef struct {
    char *key;
    unsigned char *value;
    size_t value_length;
    int kind;
} pngshim_text;

/// A decoded image, always 8 bits per channel: 3 channels (RGB) or 4 (RGBA).
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;
    unsigned char *pixels;      // width * height * channels bytes, rows top first
    int source_bit_depth;       // as stored in the file (1, 2, 4, 8 or 16)
    int source_color_type;      // PNG color type as stored (0, 2, 3, 4, 6)
    int text_count;
    pngshim_text *texts;
} pngshim_image;

/// Reads `path`. Refuses files whose width * height exceeds `max_pixels` before allocating pixels,
/// and files with a chunk other than IDAT declaring more than PNGSHIM_MAX_CHUNK_BYTES before libpng
/// allocates for it.
/// On success the caller owns `out` and frees it with pngshim_free. On failure `out` holds nothing.
int pngshim_read(const char *path, uint64_t max_pixels, pngshim_image *out,
                 char *error, size_t error_capacity);

void pngshim_free(pngshim_image *image);

/// Writes an 8-bit RGB (channels 3) or RGBA (channels 4) image with text chunks to `path`
/// (the caller chooses a temporary name and renames). `kinds[i]`: 0 = tEXt, 2 = iTXt (uncompressed).
/// Keys must be valid Latin-1 PNG keywords (the caller checks). Flushes and closes the file and
/// reports any I/O error (a full disk included).
int pngshim_write(const char *path, uint32_t width, uint32_t height, int channels,
                  const unsigned char *pixels, int text_count, const char *const *keys,
                  const unsigned char *const *values, const size_t *value_lengths, const int *kinds,
                  char *error, size_t error_capacity);

int pngshim_version(void);
