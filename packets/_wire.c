/* packets._wire: the hot loops of packets.framer and packets.deframer, compiled.
 *
 * Optional: built by `pip install -e .` (setup.py, a C compiler and the Python headers);
 * without it the same loops run in Python. Nothing here decides anything the Python
 * modules do not: the packing is the lanes' own struct packers and unpackers, the range
 * predicate is the codec's generated one, and every case off the fast path (an unknown
 * or malformed header, a bad PEC, a failed range check, a CUC time out of range, a new
 * packet class) goes back to Python at that byte or item. A property test holds the two
 * byte-identical, frame-identical and count-identical on damaged streams in any chunking
 * (tests/packets/test_native.py).
 *
 * frame_each(lanes, items, check, asm, out) -> None | item
 *     Frames each (packet, cuc) of the iterator `items` into `out` as Framer.encode_each
 *     does; returns the first item it leaves to Python (not yet framed), or None.
 * frame(lanes, packet, cuc, check, asm) -> bytes | None
 *     One frame as Framer.encode makes it, or None to leave the packet to Python.
 * scan(buf, pos, lanes, by_apid, gaps, spans, base, out, frame_type, span_type, asm)
 *     -> (pos, code, frames, skipped, in_frames, extra)
 *     Deframer._scan's fast path from buf[pos]: code 0 -- the hunt stops here (no ASM
 *     left, or the rest of a candidate is still to come); 1 -- the candidate at pos is
 *     not a plain known-APID header; 2 -- its PEC is bad; 3 -- the frame at extra[0]
 *     failed its range check (extra = (i, flen, apid, fields)), the hunt resumes at pos.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define ASM_LEN 4
#define HEADER_END 10    /* ASM + primary header */
#define LENGTH_AT 8      /* ASM + word1 + word2: the u64 length << 48 | CUC */
#define SEQ_MASK 0x3FFF
#define CUC_MASK ((1ULL << 48) - 1)
#define MAX_ARGS 64

static uint16_t crc_table[256];

static void
init_crc_table(void)
{
    /* CRC-16/CCITT, polynomial 0x1021, MSB first: binascii.crc_hqx's table */
    for (int i = 0; i < 256; i++) {
        uint16_t c = (uint16_t)(i << 8);
        for (int j = 0; j < 8; j++)
            c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
        crc_table[i] = c;
    }
}

static inline uint16_t
crc16(const unsigned char *p, Py_ssize_t n, uint16_t crc)
{
    while (n-- > 0)
        crc = (uint16_t)((crc << 8) ^ crc_table[((crc >> 8) ^ *p++) & 0xFF]);
    return crc;
}

/* An instance of the tuple subclass `type` (a NamedTuple) holding `n` new references
 * from `items`, without its Python __new__ -- as tuple.__new__(type, items) builds it. */
static PyObject *
new_tuple_of(PyTypeObject *type, PyObject *const *items, Py_ssize_t n)
{
#if PY_VERSION_HEX >= 0x030E0000
    /* 3.14 tuples cache their hash: let tuple's own constructor set the cache up */
    PyObject *tmp = PyTuple_New(n);
    if (tmp == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(tmp, i, items[i]);
    }
    PyObject *args = PyTuple_Pack(1, tmp);
    Py_DECREF(tmp);
    if (args == NULL)
        return NULL;
    PyObject *o = PyTuple_Type.tp_new(type, args, NULL);
    Py_DECREF(args);
    return o;
#else
    /* what tuple_subtype_new does after building its temporary tuple */
    PyObject *o = type->tp_alloc(type, n);
    if (o == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(o, i, items[i]);
    }
    return o;
#endif
}

static inline int
is_tuple_type(PyObject *t)
{
    return PyType_Check(t) && PyType_FastSubclass((PyTypeObject *)t, Py_TPFLAGS_TUPLE_SUBCLASS);
}

/* 0 when a call has its ``n`` arguments; else -1 with a TypeError showing ``usage``. */
static int
want_args(Py_ssize_t nargs, Py_ssize_t n, const char *usage)
{
    if (nargs == n)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s: %zd arguments, expected %zd", usage, nargs, n);
    return -1;
}

static int
check_asm(PyObject *asm_obj, const unsigned char **asm_out)
{
    if (!PyBytes_Check(asm_obj) || PyBytes_GET_SIZE(asm_obj) != ASM_LEN) {
        PyErr_SetString(PyExc_TypeError, "asm must be 4 bytes");
        return -1;
    }
    *asm_out = (const unsigned char *)PyBytes_AS_STRING(asm_obj);
    return 0;
}

/* --- framing ----------------------------------------------------------------------- */

static int frame_in_lane(PyObject *lane, PyObject *packet, Py_ssize_t nfields, long long cuc,
                         int check, const unsigned char *asm_bytes, PyObject **frame_out);

/* One packet framed into *frame_out (a new reference): 1 done, 0 left to Python, -1 error. */
static int
frame_one(PyObject *lanes, PyObject *packet, PyObject *cuc_obj, int check,
          const unsigned char *asm_bytes, PyObject **frame_out)
{
    if (!PyTuple_Check(packet) || !PyLong_CheckExact(cuc_obj))
        return 0;
    int overflow = 0;
    long long cuc = PyLong_AsLongLongAndOverflow(cuc_obj, &overflow);
    if (cuc == -1 && PyErr_Occurred())
        return -1;
    if (overflow || cuc < 0 || (unsigned long long)cuc > CUC_MASK)
        return 0; /* Python raises the located FieldRangeError */
    Py_ssize_t nfields = PyTuple_GET_SIZE(packet);
    if (nfields + 5 > MAX_ARGS)
        return 0;
    PyObject *lane = PyDict_GetItemWithError(lanes, (PyObject *)Py_TYPE(packet));
    if (lane == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyList_CheckExact(lane) || PyList_GET_SIZE(lane) != 7)
        return 0;
    /* lane: [pack, word1, length field, codec, next seq, frames sent, valid]; held while the
     * packet's values run Python code (valid, pack) that could drop it from the dict */
    Py_INCREF(lane);
    int r = frame_in_lane(lane, packet, nfields, cuc, check, asm_bytes, frame_out);
    Py_DECREF(lane);
    return r;
}

static int
frame_in_lane(PyObject *lane, PyObject *packet, Py_ssize_t nfields, long long cuc, int check,
              const unsigned char *asm_bytes, PyObject **frame_out)
{
    if (check) {
        PyObject *ok = PyObject_CallOneArg(PyList_GET_ITEM(lane, 6), packet);
        if (ok == NULL)
            return -1;
        int truth = PyObject_IsTrue(ok);
        Py_DECREF(ok);
        if (truth < 0)
            return -1;
        if (!truth)
            return 0; /* Python's codec.check says which field */
    }
    long long seq = PyLong_AsLongLong(PyList_GET_ITEM(lane, 4));
    long long sent = PyLong_AsLongLong(PyList_GET_ITEM(lane, 5));
    if ((seq == -1 || sent == -1) && PyErr_Occurred())
        return -1;
    PyObject *args[MAX_ARGS];
    PyObject *w2 = PyLong_FromLongLong(0xC000 | (seq & SEQ_MASK));
    PyObject *coarse = PyLong_FromLongLong(cuc >> 16);
    PyObject *fine = PyLong_FromLong((long)(cuc & 0xFFFF));
    PyObject *body = NULL;
    if (w2 != NULL && coarse != NULL && fine != NULL) {
        args[0] = PyList_GET_ITEM(lane, 1);
        args[1] = w2;
        args[2] = PyList_GET_ITEM(lane, 2);
        args[3] = coarse;
        args[4] = fine;
        for (Py_ssize_t i = 0; i < nfields; i++)
            args[5 + i] = PyTuple_GET_ITEM(packet, i);
        body = PyObject_Vectorcall(PyList_GET_ITEM(lane, 0), args, (size_t)(nfields + 5), NULL);
    }
    Py_XDECREF(w2);
    Py_XDECREF(coarse);
    Py_XDECREF(fine);
    if (body == NULL)
        return -1;
    if (!PyBytes_Check(body)) {
        Py_DECREF(body);
        PyErr_SetString(PyExc_TypeError, "a lane's pack must return bytes");
        return -1;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(body);
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(body);
    PyObject *frame = PyBytes_FromStringAndSize(NULL, ASM_LEN + n + 2);
    if (frame == NULL) {
        Py_DECREF(body);
        return -1;
    }
    unsigned char *f = (unsigned char *)PyBytes_AS_STRING(frame);
    memcpy(f, asm_bytes, ASM_LEN);
    memcpy(f + ASM_LEN, b, (size_t)n);
    uint16_t pec = crc16(b, n, 0xFFFF);
    f[ASM_LEN + n] = (unsigned char)(pec >> 8);
    f[ASM_LEN + n + 1] = (unsigned char)(pec & 0xFF);
    Py_DECREF(body);
    PyObject *next_seq = PyLong_FromLongLong((seq + 1) & SEQ_MASK);
    PyObject *next_sent = PyLong_FromLongLong(sent + 1);
    if (next_seq == NULL || next_sent == NULL) {
        Py_XDECREF(next_seq);
        Py_XDECREF(next_sent);
        Py_DECREF(frame);
        return -1;
    }
    PyList_SetItem(lane, 4, next_seq); /* steals the references */
    PyList_SetItem(lane, 5, next_sent);
    *frame_out = frame;
    return 1;
}

static PyObject *
wire_frame_each(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (want_args(nargs, 5, "frame_each(lanes, items, check, asm, out)") < 0)
        return NULL;
    PyObject *lanes = args[0], *out = args[4];
    const unsigned char *asm_bytes;
    if (!PyDict_CheckExact(lanes) || !PyList_CheckExact(out)) {
        PyErr_SetString(PyExc_TypeError, "frame_each wants a dict of lanes and a list out");
        return NULL;
    }
    if (check_asm(args[3], &asm_bytes) < 0)
        return NULL;
    int check = PyObject_IsTrue(args[2]);
    if (check < 0)
        return NULL;
    PyObject *it = PyObject_GetIter(args[1]);
    if (it == NULL)
        return NULL;
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        PyObject *frame = NULL;
        int r = 0;
        if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 2)
            r = frame_one(lanes, PyTuple_GET_ITEM(item, 0), PyTuple_GET_ITEM(item, 1), check,
                          asm_bytes, &frame);
        if (r == 1) {
            r = PyList_Append(out, frame);
            Py_DECREF(frame);
            Py_DECREF(item);
            if (r < 0) {
                Py_DECREF(it);
                return NULL;
            }
            continue;
        }
        Py_DECREF(it);
        if (r < 0) {
            Py_DECREF(item);
            return NULL;
        }
        return item; /* left to Python */
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
wire_frame(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (want_args(nargs, 5, "frame(lanes, packet, cuc, check, asm)") < 0)
        return NULL;
    const unsigned char *asm_bytes;
    if (!PyDict_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "frame wants a dict of lanes");
        return NULL;
    }
    if (check_asm(args[4], &asm_bytes) < 0)
        return NULL;
    int check = PyObject_IsTrue(args[3]);
    if (check < 0)
        return NULL;
    PyObject *frame = NULL;
    int r = frame_one(args[0], args[1], args[2], check, asm_bytes, &frame);
    if (r < 0)
        return NULL;
    if (r == 0)
        Py_RETURN_NONE; /* left to Python */
    return frame;
}

/* --- deframing --------------------------------------------------------------------- */

static inline unsigned
word_at(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

/* The next ASM at or after pos, or -1. */
static Py_ssize_t
find_asm(const unsigned char *buf, Py_ssize_t end, Py_ssize_t pos, const unsigned char *asm_bytes)
{
    while (pos + ASM_LEN <= end) {
        const unsigned char *hit = memchr(buf + pos, asm_bytes[0], (size_t)(end - ASM_LEN + 1 - pos));
        if (hit == NULL)
            return -1;
        Py_ssize_t i = hit - buf;
        if (memcmp(hit, asm_bytes, ASM_LEN) == 0)
            return i;
        pos = i + 1;
    }
    return -1;
}

static int
count_in(PyObject *dict, PyObject *key)
{
    PyObject *old = PyDict_GetItemWithError(dict, key);
    if (old == NULL && PyErr_Occurred())
        return -1;
    long long n = old == NULL ? 0 : PyLong_AsLongLong(old);
    if (n == -1 && PyErr_Occurred())
        return -1;
    PyObject *now = PyLong_FromLongLong(n + 1);
    if (now == NULL)
        return -1;
    int r = PyDict_SetItem(dict, key, now);
    Py_DECREF(now);
    return r;
}

static PyObject *
wire_scan(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (want_args(nargs, 11,
                  "scan(buf, pos, lanes, by_apid, gaps, spans, base, out, frame_type, "
                  "span_type, asm)") < 0)
        return NULL;
    PyObject *buf_obj = args[0], *lanes = args[2], *by_apid = args[3], *gaps = args[4];
    PyObject *spans = args[5], *base_obj = args[6], *out = args[7];
    PyObject *frame_type = args[8], *span_type = args[9];
    const unsigned char *asm_bytes;
    if (check_asm(args[10], &asm_bytes) < 0)
        return NULL;
    if (!PyDict_CheckExact(lanes) || !PyDict_CheckExact(by_apid) || !PyDict_CheckExact(gaps) ||
        !PyList_CheckExact(out) || (spans != Py_None && !PyList_CheckExact(spans)) ||
        !is_tuple_type(frame_type) || !is_tuple_type(span_type)) {
        PyErr_SetString(PyExc_TypeError, "scan: unexpected argument types");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred())
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(buf_obj, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *buf = (const unsigned char *)view.buf;
    Py_ssize_t end = view.len;
    if (pos < 0 || pos > end) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "scan: pos %zd outside the buffer (0..%zd)", pos, end);
        return NULL;
    }
    PyObject *lane = NULL; /* the current frame's lane, held (see frame_one) */
    Py_ssize_t frames = 0, skipped = 0, in_frames = 0;
    int code = 0;
    PyObject *extra = NULL;
    for (;;) {
        Py_ssize_t i = find_asm(buf, end, pos, asm_bytes);
        if (i < 0) {
            /* keep a tail that may be the start of an ASM */
            Py_ssize_t keep = end - (ASM_LEN - 1);
            if (keep < pos)
                keep = pos;
            skipped += keep - pos;
            pos = keep;
            break;
        }
        skipped += i - pos;
        pos = i;
        if (end - i < HEADER_END)
            break;
        unsigned w1 = word_at(buf + i + 4), w2 = word_at(buf + i + 6), length = word_at(buf + i + 8);
        PyObject *key = PyLong_FromUnsignedLong(w1);
        if (key == NULL)
            goto error;
        Py_CLEAR(lane);
        lane = PyDict_GetItemWithError(lanes, key);
        Py_DECREF(key);
        if (lane == NULL && PyErr_Occurred())
            goto error;
        /* lane: [length field, frame length, apid, apid enum, class, unpack, valid, expected] */
        if (lane == NULL || !PyList_CheckExact(lane) || PyList_GET_SIZE(lane) != 8) {
            lane = NULL;
            code = 1;
            break;
        }
        Py_INCREF(lane);
        long want_length = PyLong_AsLong(PyList_GET_ITEM(lane, 0));
        Py_ssize_t flen = PyLong_AsSsize_t(PyList_GET_ITEM(lane, 1));
        if ((want_length == -1 || flen == -1) && PyErr_Occurred())
            goto error;
        if (flen < HEADER_END + 2 || !is_tuple_type(PyList_GET_ITEM(lane, 4))) {
            PyErr_SetString(PyExc_TypeError, "scan: a lane's frame length or class is not one");
            goto error;
        }
        if (w2 < 0xC000 || (long)length != want_length) {
            code = 1;
            break;
        }
        if (end - i < flen)
            break;
        if (crc16(buf + i + ASM_LEN, flen - ASM_LEN, 0xFFFF) != 0) {
            code = 2;
            break;
        }
        /* a good PEC: these bytes are a frame, whatever else happens to it */
        in_frames += flen;
        pos = i + flen;
        PyObject *apid = PyList_GET_ITEM(lane, 2);
        if (spans != Py_None) {
            PyObject *off = PyLong_FromSsize_t(i);
            if (off == NULL)
                goto error;
            PyObject *start = PyNumber_Add(base_obj, off);
            Py_DECREF(off);
            PyObject *len_obj = PyLong_FromSsize_t(flen);
            if (start == NULL || len_obj == NULL) {
                Py_XDECREF(start);
                Py_XDECREF(len_obj);
                goto error;
            }
            PyObject *items[2] = {start, len_obj};
            PyObject *span = new_tuple_of((PyTypeObject *)span_type, items, 2);
            Py_DECREF(start);
            Py_DECREF(len_obj);
            if (span == NULL || PyList_Append(spans, span) < 0) {
                Py_XDECREF(span);
                goto error;
            }
            Py_DECREF(span);
        }
        PyObject *at = PyLong_FromSsize_t(i + LENGTH_AT);
        if (at == NULL)
            goto error;
        PyObject *uargs[2] = {buf_obj, at};
        PyObject *values = PyObject_Vectorcall(PyList_GET_ITEM(lane, 5), uargs, 2, NULL);
        Py_DECREF(at);
        if (values == NULL)
            goto error;
        if (!PyTuple_Check(values) || PyTuple_GET_SIZE(values) < 1) {
            Py_DECREF(values);
            PyErr_SetString(PyExc_TypeError, "a lane's unpack must return a tuple");
            goto error;
        }
        PyObject *fields = PyTuple_GetSlice(values, 1, PyTuple_GET_SIZE(values));
        unsigned long long head = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(values, 0));
        Py_DECREF(values);
        if (fields == NULL)
            goto error;
        if (head == (unsigned long long)-1 && PyErr_Occurred()) {
            Py_DECREF(fields);
            goto error;
        }
        /* rule 3: a frame whose PEC checks advances the sequence expectation even when
         * rule 5 rejects it (no false gap) */
        long seq = (long)(w2 & SEQ_MASK);
        long expected = PyLong_AsLong(PyList_GET_ITEM(lane, 7));
        if (expected == -1 && PyErr_Occurred()) {
            Py_DECREF(fields);
            goto error;
        }
        if (seq != expected && expected >= 0 && count_in(gaps, apid) < 0) {
            Py_DECREF(fields);
            goto error;
        }
        PyObject *next = PyLong_FromLong((seq + 1) & SEQ_MASK);
        if (next == NULL) {
            Py_DECREF(fields);
            goto error;
        }
        PyList_SetItem(lane, 7, next); /* steals */
        PyObject *ok = PyObject_CallOneArg(PyList_GET_ITEM(lane, 6), fields);
        if (ok == NULL) {
            Py_DECREF(fields);
            goto error;
        }
        int truth = PyObject_IsTrue(ok);
        Py_DECREF(ok);
        if (truth < 0) {
            Py_DECREF(fields);
            goto error;
        }
        if (!truth) {
            extra = Py_BuildValue("(nnON)", i, flen, apid, fields); /* steals fields */
            if (extra == NULL)
                goto error;
            code = 3;
            break;
        }
        frames += 1;
        if (count_in(by_apid, apid) < 0) {
            Py_DECREF(fields);
            goto error;
        }
        PyObject *packet = new_tuple_of((PyTypeObject *)PyList_GET_ITEM(lane, 4),
                                        &PyTuple_GET_ITEM(fields, 0), PyTuple_GET_SIZE(fields));
        Py_DECREF(fields);
        if (packet == NULL)
            goto error;
        PyObject *seq_obj = PyLong_FromLong(seq);
        PyObject *cuc_obj = PyLong_FromUnsignedLongLong(head & CUC_MASK);
        PyObject *frame = NULL;
        if (seq_obj != NULL && cuc_obj != NULL) {
            PyObject *items[4] = {PyList_GET_ITEM(lane, 3), seq_obj, cuc_obj, packet};
            frame = new_tuple_of((PyTypeObject *)frame_type, items, 4);
        }
        Py_XDECREF(seq_obj);
        Py_XDECREF(cuc_obj);
        Py_DECREF(packet);
        if (frame == NULL || PyList_Append(out, frame) < 0) {
            Py_XDECREF(frame);
            goto error;
        }
        Py_DECREF(frame);
    }
    Py_XDECREF(lane);
    PyBuffer_Release(&view);
    if (extra == NULL) {
        extra = Py_None;
        Py_INCREF(extra);
    }
    return Py_BuildValue("(ninnnN)", pos, code, frames, skipped, in_frames, extra);
error:
    Py_XDECREF(lane);
    PyBuffer_Release(&view);
    Py_XDECREF(extra);
    return NULL;
}

static PyMethodDef wire_methods[] = {
    {"frame_each", (PyCFunction)(void (*)(void))wire_frame_each, METH_FASTCALL,
     "Frame (packet, cuc) items into a list, as Framer.encode_each."},
    {"frame", (PyCFunction)(void (*)(void))wire_frame, METH_FASTCALL,
     "One frame, as Framer.encode."},
    {"scan", (PyCFunction)(void (*)(void))wire_scan, METH_FASTCALL,
     "Deframer._scan's fast path."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef wire_module = {
    PyModuleDef_HEAD_INIT, "packets._wire",
    "The hot loops of packets.framer and packets.deframer, compiled.", -1, wire_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__wire(void)
{
    init_crc_table();
    return PyModule_Create(&wire_module);
}
