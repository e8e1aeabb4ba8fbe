#include <stdio.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Small accessors for readline's global variables, which Swift 6 cannot touch directly
   (the REPL in Sources/lorweb/LineEditor.swift uses them). */
static inline void lorweb_rl_install_completer(char **(*completer)(const char *, int, int), const char *word_breaks) {
    rl_attempted_completion_function = completer;
    rl_completer_word_break_characters = strdup(word_breaks);  /* Swift passes a temporary */
}
static inline char lorweb_rl_char_before(int start) {
    return (start > 0 && rl_line_buffer) ? rl_line_buffer[start - 1] : 0;
}
static inline void lorweb_rl_suppress_default_completion(void) { rl_attempted_completion_over = 1; }
static inline char **lorweb_rl_filename_matches(const char *text) {
    return rl_completion_matches(text, rl_filename_completion_function);
}
