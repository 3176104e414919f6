/* The loops of nlu.catalog_index that numpy can only do in many passes: the trigram codes of
 * keys, their postings, and a query's rare-trigram candidates and their overlaps.
 *
 * Every function takes numpy arrays (any contiguous buffer) of the dtypes catalog_index gives
 * them, checks sizes, and releases the GIL while it loops. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALPHABET 38 /* pad/space, a-z, 0-9, other */
#define TRIGRAMS (ALPHABET * ALPHABET * ALPHABET)
#define SEP 1 /* between keys */
#define OTHER (ALPHABET - 1)

#define AHEAD 16 /* keys ahead whose entries a loop asks the cache for (they are scattered) */

static uint8_t letter[256];

static void init_letters(void) {
    memset(letter, OTHER, sizeof letter);
    letter[' '] = 0;
    for (int b = 'a'; b <= 'z'; b++) letter[b] = (uint8_t)(b - 'a' + 1);
    for (int b = '0'; b <= '9'; b++) letter[b] = (uint8_t)(b - '0' + 27);
}

/* Sorts codes[0:n] (a key's few dozen). */
static void sort_codes(uint16_t *codes, Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++) {
        uint16_t c = codes[i];
        Py_ssize_t j = i;
        for (; j > 0 && codes[j - 1] > c; j--) codes[j] = codes[j - 1];
        codes[j] = c;
    }
}

/* The max-heap heap[0:n]: a key pushed, or the top replaced by a lower one. */
static void heap_push(int32_t *heap, Py_ssize_t n, int32_t k) {
    for (Py_ssize_t up; n > 0 && heap[up = (n - 1) / 2] < k; n = up) heap[n] = heap[up];
    heap[n] = k;
}

static void heap_replace_top(int32_t *heap, Py_ssize_t n, int32_t k) {
    Py_ssize_t at = 0;
    for (Py_ssize_t child; (child = 2 * at + 1) < n; at = child) {
        if (child + 1 < n && heap[child + 1] > heap[child]) child++;
        if (heap[child] <= k) break;
        heap[at] = heap[child];
    }
    heap[at] = k;
}

/* Appends to out the codes of the trigrams of one spelling, s[0:n] padded with a space each side,
 * that the key has not given yet (bits set in seen); returns how many. A key text keeps its
 * letters and digits only; a skeleton drops its spaces and reads any other character as one
 * "other" (in UTF-8, its first byte). */
static Py_ssize_t spelling_trigrams(const uint8_t *s, Py_ssize_t n, int text, uint64_t *seen, uint16_t *out) {
    Py_ssize_t found = 0;
    unsigned before = 0, last = 0, letters = 1; /* the two letters before this one, the pad first */
    for (Py_ssize_t i = 0; i <= n; i++) {
        unsigned c = 0; /* the closing pad */
        if (i < n) {
            c = letter[s[i]];
            if (text ? c == 0 || c == OTHER : s[i] == ' ' || (s[i] & 0xC0) == 0x80) continue;
        }
        if (letters++ >= 2) {
            unsigned code = (before * ALPHABET + last) * ALPHABET + c;
            if (!(seen[code / 64] >> (code % 64) & 1)) seen[code / 64] |= 1ull << (code % 64), out[found++] = code;
        }
        before = last, last = c;
    }
    return found;
}

/* key_trigrams(texts, skels, tris, ntri) -> total: the distinct trigram codes of each key's two
 * spellings, ascending, key after key into tris (uint16, len(texts) + len(skels) places), and how
 * many each key holds into ntri (int16, one per key). texts and skels are UTF-8, keys joined by
 * SEP. */
static PyObject *key_trigrams(PyObject *self, PyObject *args) {
    Py_buffer texts, skels, tris, ntri;
    Py_ssize_t total = -1;
    if (!PyArg_ParseTuple(args, "y*y*w*w*", &texts, &skels, &tris, &ntri)) return NULL;
    Py_ssize_t nkeys = ntri.len / (Py_ssize_t)sizeof(int16_t);
    const uint8_t *t = texts.buf, *k = skels.buf;
    Py_ssize_t text_seps = 0, skel_seps = 0;
    for (Py_ssize_t i = 0; i < texts.len; i++) text_seps += t[i] == SEP;
    for (Py_ssize_t i = 0; i < skels.len; i++) skel_seps += k[i] == SEP;
    int ok = text_seps == skel_seps && (nkeys ? text_seps == nkeys - 1 : !texts.len && !skels.len)
             && tris.len / (Py_ssize_t)sizeof(uint16_t) >= texts.len + skels.len;
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "key_trigrams: texts and skels must hold len(ntri) keys each, tris their bytes");
    } else {
        uint16_t *out = tris.buf;
        int16_t *counts = ntri.buf;
        Py_BEGIN_ALLOW_THREADS
        uint64_t seen[(TRIGRAMS + 63) / 64] = {0};
        const uint8_t *t_end = t + texts.len, *k_end = k + skels.len;
        total = 0;
        for (Py_ssize_t key = 0; key < nkeys; key++) {
            const uint8_t *t_sep = memchr(t, SEP, t_end - t), *k_sep = memchr(k, SEP, k_end - k);
            if (!t_sep) t_sep = t_end;
            if (!k_sep) k_sep = k_end;
            Py_ssize_t n = spelling_trigrams(t, t_sep - t, 1, seen, out + total);
            n += spelling_trigrams(k, k_sep - k, 0, seen, out + total + n);
            for (Py_ssize_t i = 0; i < n; i++) seen[out[total + i] / 64] = 0;
            sort_codes(out + total, n);
            counts[key] = (int16_t)n;
            total += n;
            t = t_sep + 1, k = k_sep + 1;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&texts);
    PyBuffer_Release(&skels);
    PyBuffer_Release(&tris);
    PyBuffer_Release(&ntri);
    return total < 0 ? NULL : PyLong_FromSsize_t(total);
}

/* postings(tris, ntri, offsets, postings): CSR by code of the keys (ascending) holding each
 * code, from key_trigrams' output; offsets int64 (TRIGRAMS + 1), postings int32 (len(tris)). */
static PyObject *postings(PyObject *self, PyObject *args) {
    Py_buffer tris, ntri, offsets, post;
    if (!PyArg_ParseTuple(args, "y*y*w*w*", &tris, &ntri, &offsets, &post)) return NULL;
    Py_ssize_t n = tris.len / (Py_ssize_t)sizeof(uint16_t), nkeys = ntri.len / (Py_ssize_t)sizeof(int16_t);
    int64_t *free_at = NULL;
    const uint16_t *codes = tris.buf;
    const int16_t *counts = ntri.buf;
    Py_ssize_t listed = 0;
    for (Py_ssize_t k = 0; k < nkeys; k++) listed += counts[k] < 0 ? n + 1 : counts[k];
    int ok = offsets.len == (TRIGRAMS + 1) * (Py_ssize_t)sizeof(int64_t)
             && post.len == n * (Py_ssize_t)sizeof(int32_t) && listed == n;
    for (Py_ssize_t i = 0; ok && i < n; i++) ok = codes[i] < TRIGRAMS;
    if (!ok) PyErr_SetString(PyExc_ValueError, "postings: ntri must count tris, codes be trigrams, offsets hold "
                             "TRIGRAMS + 1, postings len(tris)");
    else if (!(free_at = malloc(TRIGRAMS * sizeof(int64_t)))) ok = 0, PyErr_NoMemory();
    if (ok) {
        int64_t *off = offsets.buf;
        int32_t *out = post.buf;
        Py_BEGIN_ALLOW_THREADS
        memset(off, 0, (TRIGRAMS + 1) * sizeof(int64_t));
        for (Py_ssize_t i = 0; i < n; i++) off[codes[i] + 1]++;
        for (Py_ssize_t c = 0; c < TRIGRAMS; c++) off[c + 1] += off[c];
        memcpy(free_at, off, TRIGRAMS * sizeof(int64_t));
        Py_ssize_t i = 0;
        for (Py_ssize_t k = 0; k < nkeys; k++)
            for (Py_ssize_t end = i + counts[k]; i < end; i++) out[free_at[codes[i]]++] = (int32_t)k;
        Py_END_ALLOW_THREADS
        free(free_at);
    }
    PyBuffer_Release(&tris);
    PyBuffer_Release(&ntri);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&post);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

/* rare_candidates(postings, starts, ends, scratch, budget, out) -> n: counts how many of the
 * posting lists postings[starts[i]:ends[i]] (int64 bounds, at most 255 lists, each key once per
 * list) hold each key, in scratch (uint8, one per key, zero before and after), and writes to out
 * (int32, budget places) the keys of most hits, in no order: a key takes one place per hit, and
 * among the keys of the last count taken, the lowest numbers. */
static PyObject *rare_candidates(PyObject *self, PyObject *args) {
    Py_buffer post, starts, ends, scratch, out;
    Py_ssize_t budget, m = -1;
    if (!PyArg_ParseTuple(args, "y*y*y*w*nw*", &post, &starts, &ends, &scratch, &budget, &out)) return NULL;
    Py_ssize_t lists = starts.len / (Py_ssize_t)sizeof(int64_t), nkeys = scratch.len;
    const int64_t *lo = starts.buf, *hi = ends.buf;
    int ok = lists <= 255 && ends.len == starts.len && budget > 0
             && out.len >= budget * (Py_ssize_t)sizeof(int32_t);
    for (Py_ssize_t l = 0; ok && l < lists; l++)
        ok = 0 <= lo[l] && lo[l] <= hi[l] && hi[l] <= post.len / (Py_ssize_t)sizeof(int32_t);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "rare_candidates: bad lists or out smaller than budget");
    } else {
        const int32_t *keys = post.buf;
        uint8_t *hits = scratch.buf;
        int32_t *taken = out.buf;
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t reached[257] = {0}, listed = 0; /* reached[c]: keys hit c times or more */
        for (Py_ssize_t l = 0; l < lists; l++) {
            listed += hi[l] - lo[l];
            for (int64_t j = lo[l]; j < hi[l]; j++)
                if ((uint64_t)keys[j] < (uint64_t)nkeys) reached[++hits[keys[j]]]++;
        }
        /* the least count `last` such that the keys hit more often fill at most the budget */
        Py_ssize_t last = 255, above = 0;
        while (last > 1 && above + last * (reached[last] - reached[last + 1]) <= budget)
            above += last * (reached[last] - reached[last + 1]), last--;
        /* The keys hit more often go first; the keys hit `last` times that fit, a max-heap of the
         * lowest numbers met, after them. Each such key is in one of the first lists - last + 1. */
        Py_ssize_t n_above = reached[last + 1], fit = (budget - above + last - 1) / last, heaped = 0;
        int32_t *heap = taken + n_above;
        m = 0;
        for (Py_ssize_t l = 0; l < lists - last + 1; l++)
            for (int64_t j = lo[l]; j < hi[l]; j++) {
                int32_t k = keys[j];
                if ((uint64_t)k >= (uint64_t)nkeys || hits[k] < last) continue;
                if (hits[k] > last) taken[m++] = k;
                else if (heaped < fit) heap_push(heap, heaped++, k);
                else if (k < heap[0]) heap_replace_top(heap, heaped, k);
                hits[k] = 0; /* once each */
            }
        m += heaped;
        if (listed * 16 > nkeys) { /* a memset beats scattered writes */
            memset(hits, 0, nkeys);
        } else {
            for (Py_ssize_t l = 0; l < lists; l++)
                for (int64_t j = lo[l]; j < hi[l]; j++)
                    if ((uint64_t)keys[j] < (uint64_t)nkeys) hits[keys[j]] = 0;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&post);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&ends);
    PyBuffer_Release(&scratch);
    PyBuffer_Release(&out);
    return m < 0 ? NULL : PyLong_FromSsize_t(m);
}

/* overlap(tri_offsets, tris, keys, codes, out): how many of the ascending codes (uint16) each
 * key (int32) holds in its own ascending trigram list tris[tri_offsets[k]:tri_offsets[k + 1]],
 * into out (float32, one per key). */
static PyObject *overlap(PyObject *self, PyObject *args) {
    Py_buffer offsets, tris, keys, codes, out;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &offsets, &tris, &keys, &codes, &out)) return NULL;
    Py_ssize_t nkeys = keys.len / (Py_ssize_t)sizeof(int32_t), ncodes = codes.len / (Py_ssize_t)sizeof(uint16_t);
    Py_ssize_t bound = offsets.len / (Py_ssize_t)sizeof(int64_t) - 1;
    const int32_t *ks = keys.buf;
    const int64_t *off = offsets.buf;
    int ok = out.len == nkeys * (Py_ssize_t)sizeof(float);
    for (Py_ssize_t i = 0; ok && i < nkeys; i++) ok = 0 <= ks[i] && ks[i] < bound;
    ok = ok && (bound < 0 || off[bound] <= tris.len / (Py_ssize_t)sizeof(uint16_t));
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "overlap: a key out of range or out not one per key");
    } else {
        const uint16_t *t = tris.buf, *q = codes.buf;
        float *counts = out.buf;
        for (Py_ssize_t i = 0; i < nkeys; i++) {
            if (i + 2 * AHEAD < nkeys) __builtin_prefetch(off + ks[i + 2 * AHEAD]);
            if (i + AHEAD < nkeys) __builtin_prefetch(t + off[ks[i + AHEAD]]);
            int64_t a = off[ks[i]], end = off[ks[i] + 1];
            Py_ssize_t b = 0, same = 0;
            while (a < end && b < ncodes) {
                if (t[a] < q[b]) a++;
                else if (t[a] > q[b]) b++;
                else same++, a++, b++;
            }
            counts[i] = (float)same;
        }
    }
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&tris);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&out);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"key_trigrams", key_trigrams, METH_VARARGS, "Distinct trigram codes of each packed key, ascending."},
    {"postings", postings, METH_VARARGS, "The keys holding each trigram code (CSR)."},
    {"rare_candidates", rare_candidates, METH_VARARGS, "The keys of most hits in some posting lists."},
    {"overlap", overlap, METH_VARARGS, "How many of some trigram codes each key holds."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_trigrams", NULL, -1, methods};

PyMODINIT_FUNC PyInit__trigrams(void) {
    init_letters();
    return PyModule_Create(&module);
}
