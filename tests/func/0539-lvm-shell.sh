#!/usr/bin/env bash
# The `ulvm` shell driven through stdin (not a terminal: plain lines, no
# prompt): each line gives the same output and messages as the standalone
# command; `help` lists the commands, `help CMD` prints CMD --help;
# quoting works; an unknown command is reported and the shell goes on;
# `exit`/`quit` end it and end of input too. On a terminal (a pty): tab
# completion of command names and options, history recall and file.
. "$(dirname "$0")/lib.sh"

a=$(make_image a.img 64M)
expect_ok pvcreate "$a"
expect_ok vgcreate vg "$a"
expect_ok lvcreate -an -L 8M -n one vg

got=$(printf 'vgs\nhelp lvcreate\nexit\nvgs\n' | ulvm 2>&1) || fail "shell: $got"
want=$( (vgs; lvcreate --help) 2>&1)
expect_eq "$got" "$want" "shell output"

got=$(printf '  lvs -o lv_name,lv_size  vg\n\nlvchange --addtag "my tag" vg/one\nnosuchcmd\nlvs --noheadings -o lv_tags vg\nquit\n' | ulvm 2>&1)
expect_match "$got" "LV +LSize.*one +8\.00m" "lvs through the shell"
expect_match "$got" "Invalid argument for --addtag: my tag" "quoted word kept whole"
expect_match "$got" "No such command 'nosuchcmd'" "unknown command"

expect_ok vgchange --addtag t1 vg
got=$(printf "vgs --noheadings -o 'vg_name,vg_tags' @t1" | ulvm 2>&1)
expect_eq "$(echo $got)" "vg t1" "@tag through the shell, no final newline"

got=$(printf 'help\n' | ulvm 2>&1)
expect_match "$got" "vgcfgrestore +Restore volume group configuration" "help lists commands"
got=$(printf 'help dmsetup\n' | ulvm 2>&1)
expect_eq "$got" "$(dmsetup --help 2>&1)" "help of a non-LVM command"
printf 'vgcreate\n' | ulvm >/dev/null 2>&1
expect_eq "$?" "3" "status of the last command"

# On a terminal (a pty): tab completes command names and the options of
# the command being typed, a command runs, the up arrow brings it back
# from the history, which is saved in ~/.ulvm_history.
mkdir -p "$T/home"
HOME="$T/home" python3 - <<'PY' || fail "the shell on a terminal"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("ulvm", ["ulvm"])
def expect(send, want):
    """Types `send`, then reads the terminal until `want` shows (10 s)."""
    if send:
        os.write(fd, send)
    out, end = b"", time.time() + 10
    while want not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 4096)
    if want not in out:
        sys.exit("typed %r, no %r in %r" % (send, want, out))
expect(None, b"ulvm> ")
expect(b"lvcr\t", b"lvcreate ")
expect(b"--na\t", b"--name ")
expect(b"\x15vgs --noheadings -o vg_name vg\r", b"  vg\r\n")
expect(b"\x1b[A", b"vgs --noheadings -o vg_name vg")
os.write(fd, b"\x15exit\r")
_, status = os.waitpid(pid, 0)
sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else "exit status %d" % status)
PY
grep -qx 'vgs --noheadings -o vg_name vg' "$T/home/.ulvm_history" || fail "history not saved"
pass
