# Helpers shared by the 02NN-nbd-*.sh scenarios; source after lib.sh.

# nbdsh runs `python3 -m nbd`: the Debian python3 has the module, a python3
# earlier on PATH (pyenv) may not.
SYS_PY=/usr/bin/python3

# nbd_py NAME CODE: run python CODE with `h` connected to export NAME.
nbd_py() {
	PATH="/usr/bin:$PATH" nbdsh -u "$(nbd_uri "$1")" -c "$2"
}
