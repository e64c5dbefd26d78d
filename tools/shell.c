/* The `ulvm` shell: `ulvm` with no arguments reads command lines and runs
 * each as `ulvm <line>` would (same outputs and messages), like LVM2's
 * `lvm` shell. On a terminal it offers line editing, history and tab
 * completion of command names and of the options of the command being
 * typed (from tools/commands.def and tools/lvm's option tables) through
 * GNU readline when built with it; otherwise, and when stdin is not a
 * terminal, it reads plain lines (how tests drive it).
 *
 * Built-ins: `help` (the command list), `help COMMAND` (its usage, as
 * `COMMAND --help`), `exit` and `quit`. Words are split at blanks; single
 * and double quotes and backslashes work as in sh. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lvm/lvm_int.h"
#include "shell.h"

#ifdef HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

#define MAX_WORDS 256

/* Splits `line` in place into words; returns the count, or -1 for an
 * unterminated quote. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *in = line, *out = line;
	while (*in) {
		while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
			in++;
		if (!*in || *in == '#')
			break;
		if (n == max - 1)
			return -1;
		words[n++] = out;
		char quote = 0;
		while (*in &&
		       (quote || (*in != ' ' && *in != '\t' && *in != '\n' && *in != '\r'))) {
			if (quote && *in == quote)
				quote = 0, in++;
			else if (!quote && (*in == '\'' || *in == '"'))
				quote = *in++;
			else if (*in == '\\' && quote != '\'' && in[1])
				in++, *out++ = *in++;
			else
				*out++ = *in++;
		}
		if (quote)
			return -1;
		if (*in)
			in++;
		*out++ = 0;
	}
	words[n] = NULL;
	return n;
}

static int shell_help(int argc, char **argv)
{
	if (argc < 2)
		return cmd_help(argc, argv);
	const struct lvm_command *c = lvm_command_find(argv[1]);
	if (c) {
		lvm_usage(c, stdout);
		return 0;
	}
	/* dmsetup, cryptsetup ...: their own --help. */
	char *args[] = {argv[1], "--help", NULL};
	int r = ulvm_run_command(2, args);
	if (r == ULVM_NO_SUCH_COMMAND) {
		fprintf(stderr, "  No such command '%s'.  Try 'help'.\n", argv[1]);
		return 1;
	}
	return r;
}

/* Runs one line; *done is set by exit/quit. Returns the status. */
static int run_line(char *line, bool *done)
{
	char *words[MAX_WORDS];
	int n = split_words(line, words, MAX_WORDS);
	if (n < 0) {
		fprintf(stderr, "  Unterminated quote or too many words.\n");
		return 1;
	}
	if (n == 0)
		return 0;
	if (!strcmp(words[0], "exit") || !strcmp(words[0], "quit")) {
		*done = true;
		return 0;
	}
	if (!strcmp(words[0], "help"))
		return shell_help(n, words);
	optind = 0; /* commands using getopt start afresh */
	int r = ulvm_run_command(n, words);
	if (r == ULVM_NO_SUCH_COMMAND) {
		fprintf(stderr, "  No such command '%s'.  Try 'help'.\n", words[0]);
		r = LVM_ENOSUCHCMD;
	}
	fflush(stdout);
	return r;
}

#ifdef HAVE_READLINE
/* The word list completion offers: command names first, then (after a
 * command) its long and short options. */
static char *complete_next(const char *text, int state)
{
	static unsigned i, phase;
	static const struct lvm_command *cmd;
	size_t len = strlen(text);

	if (!state) {
		i = 0;
		phase = 0;
		cmd = NULL;
		char first[64] = "";
		if (rl_point > 0 && sscanf(rl_line_buffer, "%63s", first) == 1 &&
		    strlen(first) < (size_t)rl_point && rl_line_buffer[0] != ' ')
			cmd = lvm_command_find(first);
		phase = cmd || text[0] == '-' ? 1 : 0;
		if (rl_point > (int)len && !cmd && text[0] != '-')
			phase = 2; /* an operand of a non-LVM command: nothing */
	}
	if (phase == 0) {
		static const char *const builtins[] = {"exit", "quit"};
		for (;;) {
			unsigned k = i++, n = ulvm_command_count();
			const char *name = k < n       ? ulvm_command_name(k)
					   : k - n < 2 ? builtins[k - n]
						       : NULL;
			if (!name)
				return NULL;
			if (!strncmp(name, text, len))
				return strdup(name);
		}
	}
	if (phase == 1 && cmd) {
		for (; i < LVM_ARG_COUNT; i++) {
			if (!lvm_cmd_takes(cmd, (enum lvm_arg_id)i))
				continue;
			char opt[80];
			snprintf(opt, sizeof(opt), "--%s", lvm_arg_defs[i].lname);
			if (!strncmp(opt, text, len)) {
				i++;
				return strdup(opt);
			}
		}
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* no file names unless asked */
	if (start > 0 && text[0] != '-') {
		rl_attempted_completion_over = 0;
		return NULL;
	}
	return rl_completion_matches(text, complete_next);
}

static char *read_line(bool tty)
{
	if (!tty) {
		char *line = NULL;
		size_t cap = 0;
		if (getline(&line, &cap, stdin) < 0) {
			free(line);
			return NULL;
		}
		return line;
	}
	char *line = readline("ulvm> ");
	if (line && *line)
		add_history(line);
	return line;
}
#else
static char *read_line(bool tty)
{
	char *line = NULL;
	size_t cap = 0;
	if (tty) {
		fputs("ulvm> ", stdout);
		fflush(stdout);
	}
	if (getline(&line, &cap, stdin) < 0) {
		free(line);
		return NULL;
	}
	return line;
}
#endif

int ulvm_shell(void)
{
	bool tty = isatty(STDIN_FILENO), done = false;
	int status = 0;
	char *line;

#ifdef HAVE_READLINE
	if (tty) {
		rl_readline_name = "ulvm";
		rl_attempted_completion_function = complete;
		char hist[4200];
		const char *home = getenv("HOME");
		snprintf(hist, sizeof(hist), "%s/.ulvm_history", home ? home : ".");
		read_history(hist);
		while (!done && (line = read_line(tty))) {
			status = run_line(line, &done);
			free(line);
		}
		write_history(hist);
		history_truncate_file(hist, 100);
		if (!done)
			putchar('\n');
		return status;
	}
#endif
	while (!done && (line = read_line(tty))) {
		status = run_line(line, &done);
		free(line);
	}
	if (tty && !done)
		putchar('\n');
	return status;
}
