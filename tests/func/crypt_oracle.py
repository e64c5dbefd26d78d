#!/usr/bin/env python3
"""Independent dm-crypt oracle for the 07NN-crypt-*.sh tests.

    crypt_oracle.py encrypt SPEC KEYHEX IV_OFFSET SECTOR_SIZE LARGE IN OUT
    crypt_oracle.py check   SPEC KEYHEX IV_OFFSET SECTOR_SIZE LARGE PLAIN IMG BYTE_OFFSET

`encrypt` writes the ciphertext of file IN (as stored from target sector
0) to OUT; `check` compares it with IMG from BYTE_OFFSET, unit by unit,
and names the first unit that differs. SPEC is cipher-chainmode-ivmode
[:hash] or capi:mode(cipher)-ivmode; LARGE is 1 for iv_large_sectors.
Uses python3-cryptography, never ulvm's code.
"""
import hashlib
import sys
import warnings

warnings.simplefilter("ignore")  # Camellia moved in newer releases

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CIPHERS = {"aes": algorithms.AES, "camellia": algorithms.Camellia}


def parse(spec):
    if spec.startswith("capi:"):
        rest = spec[5:]
        api, _, iv = rest.rpartition("-")
        mode, cipher = api.rstrip(")").split("(")
    else:
        parts = spec.split("-")
        if len(parts) == 1:  # a bare cipher name is cipher-cbc-plain
            parts += ["cbc", "plain"]
        cipher, mode, iv = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
    ivmode, _, ivopts = iv.partition(":")
    return cipher, mode, ivmode, ivopts


def make_iv(cipher, ivmode, ivopts, key, sector, size=16):
    if ivmode == "plain":
        return (sector & 0xFFFFFFFF).to_bytes(4, "little") + bytes(size - 4)
    if ivmode == "plain64":
        return sector.to_bytes(8, "little") + bytes(size - 8)
    if ivmode == "plain64be":
        return bytes(size - 8) + sector.to_bytes(8, "big")
    if ivmode == "essiv":
        salt = hashlib.new(ivopts, key).digest()
        enc = Cipher(CIPHERS[cipher](salt), modes.ECB()).encryptor()
        return enc.update(sector.to_bytes(8, "little") + bytes(size - 8))
    if ivmode == "benbi":
        return bytes(size - 8) + ((sector << 5) + 1).to_bytes(8, "big")
    return bytes(size)


def encrypt_unit(spec, key, sector, data):
    cipher, mode, ivmode, ivopts = parse(spec)
    iv = make_iv(cipher, ivmode, ivopts, key, sector)
    alg = CIPHERS[cipher]
    if mode == "xts":
        m = modes.XTS(iv)
    elif mode == "cbc":
        m = modes.CBC(iv)
    elif mode == "ctr":
        m = modes.CTR(iv)
    else:
        m = modes.ECB()
    enc = Cipher(alg(key), m).encryptor()
    return enc.update(data) + enc.finalize()


def units(spec, key, iv_offset, unit, large, plain):
    for i in range(0, len(plain), unit):
        sector = i // 512 + iv_offset
        if large:
            sector //= unit // 512
        yield i, encrypt_unit(spec, key, sector, plain[i:i + unit])


def main():
    op, spec, keyhex, iv_offset, unit, large = sys.argv[1:7]
    key, iv_offset, unit, large = bytes.fromhex(keyhex), int(iv_offset), int(unit), large == "1"
    plain = open(sys.argv[7], "rb").read()
    if op == "encrypt":
        with open(sys.argv[8], "wb") as out:
            for _, c in units(spec, key, iv_offset, unit, large, plain):
                out.write(c)
        return 0
    with open(sys.argv[8], "rb") as img:
        img.seek(int(sys.argv[9]))
        for i, c in units(spec, key, iv_offset, unit, large, plain):
            if img.read(len(c)) != c:
                print(f"{spec}: unit at byte {i} differs from the oracle")
                return 1
    print(f"{spec}: {len(plain) // unit} units match")
    return 0


sys.exit(main())
