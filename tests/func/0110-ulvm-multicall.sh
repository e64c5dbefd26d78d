#!/usr/bin/env bash
# The multi-call binary: `ulvm CMD` and a symlink named CMD run the same
# command; help, version and dmsetup's usage and argument errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"

help=$(ulvm help) || fail "ulvm help"
expect_re "$help" $'\n  dmsetup +' "ulvm help lists dmsetup"
expect_eq "$(printf 'help\n' | ulvm)" "$help" "ulvm alone is the shell; its help lists the same"
expect_re "$(ulvm version)" 'LVM version: +2\.03\.16\(2\) \(ulvm [0-9]+\.[0-9]+\.[0-9]+\)' "ulvm version"
expect_re "$(ulvm version)" 'Library version: ulvm .*control protocol 1\.' "ulvm version library line"
expect_eq "$(ulvm --version)" "$(ulvm version)" "ulvm --version"
ERR=$(ulvm frobnicate 2>&1) && fail "an unknown command succeeded"
expect_eq "$ERR" "ulvm: unknown command 'frobnicate' (try 'ulvm help')" "unknown command"

# dmsetup help: the usage list on stderr, exit 0, no daemon needed.
usage=$(dmsetup help 2>&1 >/dev/null) || fail "dmsetup help failed"
for c in create remove remove_all suspend resume load clear reload rename message ls info \
	deps status table wait mknodes targets version; do
	expect_re "$usage" $'\n\t'"$c " "dmsetup help lists '$c'"
done
[ -S "$ULVM_RUN_DIR/control" ] && fail "dmsetup help started the daemon"
expect_eq "$(ulvm dmsetup help 2>&1)" "$usage" "ulvm dmsetup help"
expect_eq "$(dmsetup --help 2>&1)" "$usage" "dmsetup --help"
expect_re "$(dmsetup help -c 2>&1)" $'Mapped Device Information Fields\n-+\n' "help -c"

expect_re "$(dmsetup info -c -o help 2>&1)" $'\n  segments +- Number of segments' "info -c -o help"

# Usage errors: a message, the usage line, exit 1.
ERR=$(dmsetup 2>&1) && fail "dmsetup without a command succeeded"
expect_re "$ERR" "^Usage:" "dmsetup alone"
ERR=$(dmsetup frob 2>&1) && fail "unknown subcommand succeeded"
expect_re "$ERR" "^dmsetup: unknown command 'frob'" "unknown subcommand"
ERR=$(dmsetup create 2>&1) && fail "create without a name succeeded"
expect_re "$ERR" $'^dmsetup: create: wrong number of arguments\nUsage: dmsetup create' "create usage"
ERR=$(dmsetup rename a b c 2>&1) && fail "rename with 3 args succeeded"
ERR=$(dmsetup ls --frob 2>&1) && fail "unknown option succeeded"
expect_re "$ERR" "^dmsetup: option '--frob' is not recognised" "unknown option"
ERR=$(dmsetup info -o 2>&1) && fail "-o without argument succeeded"
expect_re "$ERR" "^dmsetup: option '-o' needs an argument" "missing argument"
ERR=$(dmsetup create x --table "0 8 zero" --notable 2>&1) && fail "--table with --notable"
expect_re "$ERR" "incompatible" "--table with --notable"
[ -S "$ULVM_RUN_DIR/control" ] && fail "usage errors started the daemon"

# The same command through both names; options anywhere.
expect_ok dmsetup create dev --table "0 8 zero"
expect_eq "$(ulvm dmsetup table dev)" "$(dmsetup table dev)" "ulvm dmsetup = dmsetup"
expect_eq "$(dmsetup --columns info --noheadings -o name dev)" "dev" "options before the command"
expect_ok dmsetup remove_all
expect_eq "$(dmsetup ls)" "No devices found" "after remove_all"
pass
