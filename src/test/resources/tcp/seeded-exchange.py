#!/usr/bin/env python3
"""A real TCP conversation on loopback whose bytes a test can regenerate: both sides send pseudo-random
bytes from random.Random(SEED) (client: seed 1, server: seed 2) in chunks of varying size, interleaved.
usage: seeded-exchange.py PORT CLIENT_BYTES SERVER_BYTES
Also writes what each side sent to client-sent.bin and server-sent.bin."""
import random, socket, sys, threading, time
port, cbytes, sbytes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def stream(seed, n):
    return random.Random(seed).randbytes(n)
def chunks(data, seed):
    r = random.Random(seed); i = 0
    while i < len(data):
        n = r.choice([1, 7, 100, 1400, 3000]); yield data[i:i + n]; i += n
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(1)
got = {}
def drain(sock, key):
    buf = bytearray()
    while True:
        b = sock.recv(65536)
        if not b: break
        buf += b
    got[key] = bytes(buf)
def serve():
    c, _ = srv.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = threading.Thread(target=drain, args=(c, "server")); t.start()
    for ch in chunks(stream(2, sbytes), 20):
        c.sendall(ch); time.sleep(0.001)
    c.shutdown(socket.SHUT_WR); t.join(); c.close()
st = threading.Thread(target=serve); st.start()
cl = socket.create_connection(("127.0.0.1", port)); cl.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rt = threading.Thread(target=drain, args=(cl, "client")); rt.start()
for ch in chunks(stream(1, cbytes), 10):
    cl.sendall(ch); time.sleep(0.001)
cl.shutdown(socket.SHUT_WR); rt.join(); cl.close(); st.join(); srv.close()
assert got["server"] == stream(1, cbytes) and got["client"] == stream(2, sbytes)
open("client-sent.bin", "wb").write(stream(1, cbytes)); open("server-sent.bin", "wb").write(stream(2, sbytes))
