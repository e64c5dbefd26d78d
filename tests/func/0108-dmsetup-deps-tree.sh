#!/usr/bin/env bash
# deps and ls --tree over stacked devices: image files show as paths,
# stacked devices by name (-o devname) or number, the tree has each
# device over what it uses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon --attach never

a=$(make_image a.img 8M)
b=$(make_image b.img 8M)
expect_ok dmsetup create base1 --table "0 2048 linear $a 0"
expect_ok dmsetup create base2 --table "0 2048 linear $b 0"
expect_ok dmsetup create mid --table "0 4096 striped 2 8 base1 0 base2 0"
expect_ok dmsetup create top --table $'0 1024 linear mid 0\n1024 1024 linear mid 2048'
expect_ok dmsetup create lone --table "0 8 zero"

expect_eq "$(dmsetup deps base1)" $'1 dependencies\t: ('"$a"')' "deps of a file-backed device"
# Newest first, as the kernel lists a table's devices.
expect_eq "$(dmsetup deps -o devname mid)" $'2 dependencies\t: (base2) (base1)' "deps -o devname"
expect_re "$(dmsetup deps mid)" $'^2 dependencies\t: \\([0-9]+, [0-9]+\\) \\([0-9]+, [0-9]+\\)$' \
	"deps by number"
expect_eq "$(dmsetup deps lone)" $'0 dependencies\t:' "deps without devices"
expect_re "$(dmsetup deps)" $'^base1: 1 dependencies\t:.*\nlone: 0 dependencies\t:' "deps of all"
expect_error "unrecognised option 'bogus'" dmsetup deps -o bogus mid

expect_eq "$(dmsetup info -c --noheadings -o name,devs_used,device_count mid)" "mid:base2,base1:2" \
	"info -c deps fields"

tree=$(LANG=C dmsetup ls --tree -o ascii,nodevice,notrunc)
want="lone
top
 \`-mid
    |-base2
    |  \`-$b
    \`-base1
       \`-$a"
expect_eq "$tree" "$want" "ls --tree"
expect_re "$(dmsetup ls --tree -o ascii,active,rw,open)" \
	$'\n `-mid \\([0-9]+:[0-9]+\\) \\[ACTIVE, RW, 1\\]' "tree attributes"
expect_re "$(dmsetup ls --tree -o utf,nodevice)" $'\ntop\n \u2514\u2500mid\n    \u251c\u2500base2' "utf tree"
expect_error "tree option 'bogus' is not recognised" dmsetup ls --tree -o bogus

# Lines wider than the terminal (80 columns when not one) are cut.
long=$(printf 'n%.0s' $(seq 100))
expect_ok dmsetup create "$long" --table "0 8 zero"
line=$(dmsetup ls --tree -o ascii | grep '^nnn')
expect_eq "$line" "$(printf 'n%.0s' $(seq 79))..." "cut tree line"
expect_re "$(dmsetup ls --tree -o ascii,notrunc | grep '^nnn')" "^$long \\(0:[0-9]+\\)$" "notrunc"
expect_ok dmsetup remove "$long"

# A stacked device cannot go while used.
expect_error "mid" dmsetup remove mid
expect_ok dmsetup remove top mid base1 base2 lone
pass
