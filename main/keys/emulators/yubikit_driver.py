"""Drives Latchkey's emulated YubiKey OTP interface with Yubico's own yubikit.

Run with Debian's /usr/bin/python3 (python3-ykman ships yubikit):
    yubikit_driver.py SOCKET          the scenario below, with fresh random keys
    yubikit_driver.py SOCKET --ops    the operations listed as JSON on stdin (see run_ops)
It speaks the emulator's socket protocol (main/keys/emulators/socket-server.ts) through an
OtpConnection subclass. The scenario runs a YubiOtpSession through status, serial, HMAC-SHA1 and
HOTP programming, challenge-responses checked against Python's hmac, access codes, update, delete
and swap, and prints one JSON object: what yubikit saw, and every frame it sent, in order.
"""

import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import threading

from yubikit.core.otp import CommandRejectedError, OtpConnection
from yubikit.yubiotp import (
    SLOT,
    HmacSha1SlotConfiguration,
    HotpSlotConfiguration,
    UpdateConfiguration,
    YubiOtpSession,
)

WRITE_FEATURE, READ_FEATURE, TOUCH = b"\x01", b"\x02", b"\x03"
STATUS_UPNEEDED = 2  # yubikit's on_keepalive value while the key waits for a touch


class SocketOtpConnection(OtpConnection):
    """An OtpConnection whose feature reports travel over the emulator's UNIX socket."""

    def __init__(self, path):
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.connect(path)
        self.sent = self.received = 0  # feature reports, for the report counts per operation

    def _exchange(self, request, answer_length):
        self._sock.sendall(request)
        answer = b""
        while len(answer) < answer_length:
            chunk = self._sock.recv(answer_length - len(answer))
            if not chunk:
                raise OSError("emulator closed the connection")
            answer += chunk
        return answer

    def send(self, data):
        if len(data) != 8:
            raise ValueError("a feature report is 8 bytes")
        self.sent += 1
        if self._exchange(WRITE_FEATURE + data, 1) != b"\0":
            raise OSError("emulator refused a feature report")

    def receive(self):
        self.received += 1
        return self._exchange(READ_FEATURE, 8)

    def touch(self):
        self._exchange(TOUCH, 1)

    def close(self):
        self._sock.close()


def lt64_expected(key, challenge):
    """What a key with HMAC_LT64 answers for a challenge yubikit pads (protocol sheet, section 7)."""
    pad = b"\x01" if challenge.endswith(b"\0") else b"\0"
    block = challenge.ljust(64, pad)
    message = block.rstrip(block[-1:])
    return hmac.new(key, message, hashlib.sha1).digest()


def hotp_code(key, counter, digits):
    """RFC 4226, for checking what the emulated key would type."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).rjust(digits, "0")


def optional_hex(value):
    return bytes.fromhex(value) if value else None


def press_later(path, seconds):
    """Touches the key from a second connection while yubikit waits on the first one."""

    def press():
        button = SocketOtpConnection(path)
        button.touch()
        button.close()

    timer = threading.Timer(seconds, press)
    timer.start()
    return timer


def run_ops(conn, path, ops):
    """One yubikit call per operation; prints a result per operation (each sends one frame, but status)."""
    session = YubiOtpSession(conn)
    results = []
    for op in ops:
        kind, slot = op["op"], SLOT(op.get("slot", 1))
        acc, cur = optional_hex(op.get("accessCode")), optional_hex(op.get("currentAccessCode"))
        result = {"op": kind, "result": "ok"}
        before = (conn.sent, conn.received)
        try:
            if kind == "status":
                state = session.get_config_state()
                result.update(
                    version=".".join(str(part) for part in session.version),
                    pgmSeq=conn.receive()[4],
                    configured=[state.is_configured(SLOT.ONE), state.is_configured(SLOT.TWO)],
                    touch=[state.is_touch_triggered(SLOT.ONE), state.is_touch_triggered(SLOT.TWO)],
                )
            elif kind == "serial":
                result["serial"] = session.get_serial()
            elif kind == "put-hmac":
                config = HmacSha1SlotConfiguration(bytes.fromhex(op["key"]))
                config = config.require_touch(op.get("touch", False)).lt64(op.get("lt64", True))
                session.put_configuration(slot, config, acc, cur)
            elif kind == "put-hotp":
                config = HotpSlotConfiguration(bytes.fromhex(op["key"]))
                config = config.digits8(op.get("digits", 6) == 8).imf(op.get("imf", 0))
                session.put_configuration(slot, config, acc, cur)
            elif kind == "update":
                config = UpdateConfiguration().append_cr(op.get("appendCr", True))
                session.update_configuration(slot, config, acc, cur)
            elif kind == "delete":
                session.delete_slot(slot, cur)
            elif kind == "swap":
                session.swap_slots()
            elif kind == "challenge":
                prompts = []
                timer = press_later(path, op["touchAfterMs"] / 1000) if "touchAfterMs" in op else None
                response = session.calculate_hmac_sha1(slot, bytes.fromhex(op["challenge"]), on_keepalive=prompts.append)
                if timer:
                    timer.join()
                result.update(response=response.hex(), touchPrompted=STATUS_UPNEEDED in prompts)
            else:
                raise ValueError(f"unknown operation {kind}")
        except CommandRejectedError:
            result["result"] = "rejected"
        result["reports"] = {"set": conn.sent - before[0], "get": conn.received - before[1]}
        results.append(result)
    session.close()
    print(json.dumps(results))


def scenario(conn):
    session = YubiOtpSession(conn)
    frames = []  # one entry per frame yubikit sends, in order
    out = {"frames": frames}

    def pgm_seq():
        return conn.receive()[4]

    def state_of(session_):
        s = session_.get_config_state()
        return {
            "configured": [s.is_configured(SLOT.ONE), s.is_configured(SLOT.TWO)],
            "touch": [s.is_touch_triggered(SLOT.ONE), s.is_touch_triggered(SLOT.TWO)],
        }

    def put(slot, config, kind, key, acc_code=None, cur_acc_code=None, **info):
        entry = {
            "op": "put",
            "slot": int(slot),
            "kind": kind,
            "key": key.hex(),
            "config": config.get_config(acc_code).hex(),
            "accCode": acc_code.hex() if acc_code else None,
            "curAccCode": cur_acc_code.hex() if cur_acc_code else None,
            **info,
        }
        frames.append(entry)
        try:
            session.put_configuration(slot, config, acc_code, cur_acc_code)
            entry["result"] = "ok"
        except CommandRejectedError:
            entry["result"] = "rejected"
        return entry["result"]

    def challenge(slot, key, data):
        prompts = []
        frames.append({"op": "challenge", "slot": int(slot), "challenge": data.hex()})
        try:
            response = session.calculate_hmac_sha1(slot, data, on_keepalive=prompts.append)
        except CommandRejectedError:
            frames[-1]["result"] = "rejected"
            return {"rejected": True}
        expected = lt64_expected(key, data)
        frames[-1]["result"] = "ok"
        return {
            "length": len(data),
            "response": response.hex(),
            "matchesPythonHmac": response == hmac.new(key, data, hashlib.sha1).digest(),
            "matchesLt64Model": response == expected,
            "touchPrompted": STATUS_UPNEEDED in prompts,
        }

    out["version"] = ".".join(str(part) for part in session.version)
    out["initial"] = state_of(session)
    out["initialPgmSeq"] = pgm_seq()
    frames.append({"op": "serial"})
    out["serial"] = session.get_serial()

    k1, k2, k3 = os.urandom(20), os.urandom(20), os.urandom(20)
    access = os.urandom(6)
    imf = 16 * (1 + os.urandom(1)[0])
    out["keys"] = {"k1": k1.hex(), "k2": k2.hex(), "k3": k3.hex(), "accessCode": access.hex(), "imf": imf}
    out["hotpCodes"] = [hotp_code(k3, imf + n, 8) for n in range(5)]

    # HMAC-SHA1 in slot 2, no touch; challenges of many lengths against Python's hmac.
    put(SLOT.TWO, HmacSha1SlotConfiguration(k2), "hmac-sha1", k2, touch=False)
    lengths = [1, 6, 20, 32, 63, 1 + os.urandom(1)[0] % 62]
    samples = [os.urandom(n) for n in lengths] + [os.urandom(9) + b"\0", os.urandom(64)]
    out["slot2Challenges"] = [challenge(SLOT.TWO, k2, c) for c in samples]

    # HMAC-SHA1 with touch in slot 1 (replaces the factory credential); the key asks for a touch.
    put(SLOT.ONE, HmacSha1SlotConfiguration(k1).require_touch(True), "hmac-sha1", k1, touch=True)
    out["stateAfterPuts"] = state_of(session)
    out["touchChallenge"] = challenge(SLOT.ONE, k1, os.urandom(16))

    # Swap: slot 1 now answers with k2, slot 2 with k1 (and asks for a touch).
    frames.append({"op": "swap"})
    session.swap_slots()
    out["afterSwap"] = {
        "slot1": challenge(SLOT.ONE, k2, b"after swap 1"),
        "slot2": challenge(SLOT.TWO, k1, b"after swap 2"),
        "state": state_of(session),
    }

    # Delete slot 2: a challenge to it is rejected.
    frames.append({"op": "delete", "slot": 2})
    session.delete_slot(SLOT.TWO)
    out["afterDelete"] = {"slot2": challenge(SLOT.TWO, k1, b"gone"), "state": state_of(session)}

    # HOTP, 8 digits, IMF, access code in slot 2; wrong codes are rejected; update with the code.
    hotp = lambda: HotpSlotConfiguration(k3).digits8(True).imf(imf)  # noqa: E731
    put(SLOT.TWO, hotp(), "oath-hotp", k3, acc_code=access, digits=8, imf=imf)
    wrong = bytes(b ^ 0xFF for b in access)
    out["wrongCode"] = {
        "reprogram": put(SLOT.TWO, hotp(), "oath-hotp", k3, acc_code=access, cur_acc_code=wrong, digits=8, imf=imf),
        "reprogramWithoutCode": put(SLOT.TWO, hotp(), "oath-hotp", k3, digits=8, imf=imf),
    }
    frames.append({"op": "delete", "slot": 2, "curAccCode": wrong.hex()})
    try:
        session.delete_slot(SLOT.TWO, wrong)
        out["wrongCode"]["delete"] = "ok"
    except CommandRejectedError:
        out["wrongCode"]["delete"] = "rejected"
    frames[-1]["result"] = out["wrongCode"]["delete"]
    out["pgmSeqAfterWrongCodes"] = pgm_seq()
    frames.append({"op": "update", "slot": 2, "curAccCode": access.hex()})
    session.update_configuration(SLOT.TWO, UpdateConfiguration().append_cr(False), access, access)

    # Swap again: HOTP in slot 1, where a short touch types it (the counter advances).
    frames.append({"op": "swap"})
    session.swap_slots()
    for _ in range(3):
        conn.touch()
    out["final"] = {
        "state": state_of(session),
        "pgmSeq": pgm_seq(),
        "slot2": challenge(SLOT.TWO, k2, b"final"),
    }
    session.close()
    print(json.dumps(out))


if __name__ == "__main__":
    connection = SocketOtpConnection(sys.argv[1])
    if sys.argv[2:] == ["--ops"]:
        run_ops(connection, sys.argv[1], json.load(sys.stdin))
    else:
        scenario(connection)
