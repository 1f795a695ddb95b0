//! `gongkai._native`: the index-time analyzer loop of `gongkai.index.analysis.token_lists` in Rust.
//!
//! Same tokens as the Python loop over rjieba (tests/test_native.py holds the two equal): runs of Han
//! characters cut by jieba-rs 0.11 (the version rjieba 0.2.2 is built on) with jieba's dictionary and
//! our user words, runs of other letters and digits one token each, ordinal positions, and a word of
//! 3 to 12 characters followed by its dictionary sub-words at the same position. "Letters and digits"
//! is Python's `[^\W_]`, handed over as a bitmap over all code points, so the two agree on every
//! character whatever the Unicode versions of Python and Rust.
//!
//! Offsets are in code points, as Python counts them. Positions, starts and ends come back as bytes
//! of native int32 (for `array.frombytes`), the words as a list of str, or (`token_ids`, for the bulk
//! writer) as their numbers in a `Vocab`, bytes of int32 too.
//!
//! `scatter` is the byte copy of the bulk writer's block layout (`w3write._scatter`): numpy does it
//! with an index array of eight bytes per byte copied. `pair_tokens` finds a bulk chunk's word pairs
//! in one pass per document, where numpy sorts and binary-searches the whole chunk.
//! `encode_postings` (`blocks.rs`) lays out and compresses a group of terms' posting lists;
//! `sort_chunk` and `merge_by_rank` (`chunks.rs`) sort a text field's postings by counting.
//!
//! `phrase_step` is one word of a phrase check over whole posting lists (`phrases.adjacent`): a merge
//! of two sorted key lists where numpy gathers, shifts and binary-searches every occurrence.
//! `bm25_add` is a term's BM25F contribution added to every matched section's score in one pass.
//! `hot_fill` copies one segment's long list out of its mapped file (`index/hotlists.py`) into the
//! arrays of a whole posting list: section numbers offset, weights, occurrences, in one pass each;
//! `hot_bm25` scores one straight from the file. `docs_of`, `doc_max` and `docs_per_key` go from
//! sections to their documents (`Tables`) in one pass over section masks, without index arrays.

mod blocks;
mod chunks;

use jieba_rs::Jieba;
use pyo3::exceptions::PyValueError;
use pyo3::buffer::PyBuffer;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use rustc_hash::FxHashMap;

const MAX_SUBWORD_PARENT: usize = 12;
const CODE_POINTS: usize = 0x110000;

fn is_han(c: char) -> bool {
    let u = c as u32;
    u == 0x3007
        || (0x3400..=0x4dbf).contains(&u)
        || (0x4e00..=0x9fff).contains(&u)
        || (0xf900..=0xfaff).contains(&u)
}

/// A run of the text: code point range, byte range, Han or not.
struct Run {
    a: usize,
    b: usize,
    ba: usize,
    bb: usize,
    han: bool,
}

#[derive(Default)]
struct Tokens<'t> {
    words: Vec<&'t str>,
    pos: Vec<i32>,
    start: Vec<i32>,
    end: Vec<i32>,
}

impl<'t> Tokens<'t> {
    fn push(&mut self, word: &'t str, pos: usize, start: usize, end: usize) {
        self.words.push(word);
        self.pos.push(pos as i32);
        self.start.push(start as i32);
        self.end.push(end as i32);
    }
}

/// Byte offset of each code point of `word`, and its length in bytes at the end.
fn char_bytes(word: &str) -> Vec<usize> {
    let mut at: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
    at.push(word.len());
    at
}

#[pyclass(module = "gongkai._native")]
struct Analyzer {
    jieba: Jieba,
    word_chars: Vec<u8>,
    // (offset, size) in code points of every dictionary sub-word, per word (words repeat: Zipf)
    subwords: FxHashMap<String, Vec<(usize, usize)>>,
}

impl Analyzer {
    fn is_word_char(&self, c: char) -> bool {
        let u = c as usize;
        self.word_chars[u >> 3] & (1 << (u & 7)) != 0
    }

    fn runs(&self, norm: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let mut open: Option<Run> = None;
        let mut n = 0;
        for (byte, c) in norm.char_indices() {
            let kind = if is_han(c) {
                Some(true)
            } else if self.is_word_char(c) {
                Some(false)
            } else {
                None
            };
            match (&mut open, kind) {
                (Some(run), Some(han)) if run.han == han => {
                    run.b = n + 1;
                    run.bb = byte + c.len_utf8();
                }
                (_, kind) => {
                    if let Some(run) = open.take() {
                        runs.push(run);
                    }
                    open = kind.map(|han| Run { a: n, b: n + 1, ba: byte, bb: byte + c.len_utf8(), han });
                }
            }
            n += 1;
        }
        if let Some(run) = open {
            runs.push(run);
        }
        runs
    }

    fn subwords_of(&mut self, word: &str) -> &[(usize, usize)] {
        if !self.subwords.contains_key(word) {
            let found = find_subwords(&self.jieba, word);
            if self.subwords.len() > 500_000 {
                self.subwords.clear();
            }
            self.subwords.insert(word.to_string(), found);
        }
        &self.subwords[word]
    }

    /// Push `word` (at code point `start`) and, if asked, its sub-words.
    fn push_word<'t>(&mut self, out: &mut Tokens<'t>, word: &'t str, pos: usize, start: usize, subwords: bool) -> usize {
        let n = word.chars().count();
        out.push(word, pos, start, start + n);
        if subwords && 2 < n && n <= MAX_SUBWORD_PARENT {
            let found = self.subwords_of(word);
            if !found.is_empty() {
                let at = char_bytes(word);
                for &(i, size) in found {
                    out.push(&word[at[i]..at[i + size]], pos, start + i, start + i + size);
                }
            }
        }
        n
    }

    fn tokens<'t>(&mut self, norm: &'t str, runs: &[Run], subwords: bool, joined: &'t str) -> Option<Tokens<'t>> {
        let cut = self.jieba.cut(joined, true);
        let mut cut = cut.into_iter();
        let mut out = Tokens::default();
        let mut pos = 0;
        for run in runs {
            if !run.han {
                out.push(&norm[run.ba..run.bb], pos, run.a, run.b);
                pos += 1;
                continue;
            }
            let mut start = run.a;
            for token in cut.by_ref() {
                if token.word == "\n" {
                    break;
                }
                start += self.push_word(&mut out, token.word, pos, start, subwords);
                pos += 1;
            }
            if start != run.b {
                return None; // the segmenter did not give back this run's characters
            }
        }
        Some(out)
    }

    /// The runs of already normalised text, and its Han runs joined by line breaks (cut in one call).
    fn split(&self, norm: &str) -> (Vec<Run>, String) {
        let runs = self.runs(norm);
        let han: Vec<&str> = runs.iter().filter(|r| r.han).map(|r| &norm[r.ba..r.bb]).collect();
        let joined = han.join("\n");
        (runs, joined)
    }

    /// The tokens of already normalised text (`split`): the runs cut in one call, or each on its own
    /// when that call did not give back every run's characters.
    fn cut<'t>(&mut self, norm: &'t str, runs: &[Run], joined: &'t str, subwords: bool) -> Tokens<'t> {
        match self.tokens(norm, runs, subwords, joined) {
            Some(tokens) => tokens,
            None => self.tokens_per_run(norm, runs, subwords),
        }
    }

    /// Each run cut on its own (what `_token_lists_per_run` does).
    fn tokens_per_run<'t>(&mut self, norm: &'t str, runs: &[Run], subwords: bool) -> Tokens<'t> {
        let mut out = Tokens::default();
        let mut pos = 0;
        for run in runs {
            let text = &norm[run.ba..run.bb];
            let mut start = run.a;
            if !run.han {
                out.push(text, pos, start, run.b);
                pos += 1;
                continue;
            }
            for token in self.jieba.cut(text, true) {
                start += self.push_word(&mut out, token.word, pos, start, subwords);
                pos += 1;
            }
        }
        out
    }
}

/// (offset, size) in code points of every dictionary sub-word of `word`, longest first.
fn find_subwords(jieba: &Jieba, word: &str) -> Vec<(usize, usize)> {
    let at = char_bytes(word);
    let n = at.len() - 1;
    let mut found = Vec::new();
    for size in (2..n).rev() {
        for i in 0..=(n - size) {
            if jieba.has_word(&word[at[i]..at[i + size]]) {
                found.push((i, size));
            }
        }
    }
    found
}

fn int32_bytes<'py>(py: Python<'py>, values: &[i32]) -> PyResult<Bound<'py, PyBytes>> {
    chunks::bytes_of(py, values, i32::to_ne_bytes)
}

/// A vocabulary: word -> number, numbering new words in the order they come (the bulk writer's
/// `bulk._Vocab`, filled from the analyzer without a Python str per token).
#[pyclass(module = "gongkai._native")]
#[derive(Default)]
struct Vocab {
    ids: FxHashMap<Box<str>, i32>,
    words: Vec<Box<str>>,
    // For a vocabulary of word pairs: (first word, second word) numbers in the words' vocabulary -> number.
    pairs: FxHashMap<u64, i32>,
    // For `Analyzer.token_ids`: each word the segmenter gave, with its number and, once asked for, its
    // sub-words' (number, offset, size in code points): one look-up per token (words repeat: Zipf).
    known: FxHashMap<Box<str>, Known>,
}

struct Known {
    id: i32,
    subs: Option<Box<[(i32, i32, i32)]>>,
}

impl Vocab {
    /// Number `word` (and, given the segmenter, its sub-words) in `known`, numbering new words in the
    /// order the tokens would come: the word, then its sub-words.
    fn learn(&mut self, word: &str, jieba: Option<&Jieba>) {
        let id = self.id(word);
        let subs = jieba.map(|jieba| {
            let at = char_bytes(word);
            find_subwords(jieba, word).into_iter()
                .map(|(i, size)| (self.id(&word[at[i]..at[i + size]]), i as i32, size as i32))
                .collect()
        });
        self.known.insert(word.into(), Known { id, subs });
    }

    fn id(&mut self, word: &str) -> i32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as i32;
        self.words.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }
}

#[pymethods]
impl Vocab {
    #[new]
    fn new() -> Self {
        Vocab::default()
    }

    fn __len__(&self) -> usize {
        self.words.len()
    }

    /// The number of `word`, given it if it has none yet.
    fn __getitem__(&mut self, word: &str) -> i32 {
        self.id(word)
    }

    /// The numbers, in this vocabulary of word pairs, of the pairs (`first[i]`, `second[i]`) of words
    /// numbered in `words`: each pair is the term `first + sep + second` (numbered when new). Int32 bytes.
    fn pair_ids<'py>(&mut self, py: Python<'py>, words: PyRef<'_, Vocab>, first: PyBuffer<i32>, second: PyBuffer<i32>,
                     sep: &str) -> PyResult<Bound<'py, PyBytes>> {
        let (first, second) = (slice(py, &first, "first")?, slice(py, &second, "second")?);
        if first.len() != second.len() {
            return Err(PyValueError::new_err("pair_ids: first and second must have one value per pair"));
        }
        let word = |id: i32| -> PyResult<&str> {
            words.words.get(id as usize).filter(|_| id >= 0).map(|w| &**w)
                .ok_or_else(|| PyValueError::new_err("pair_ids: a word number outside the vocabulary"))
        };
        let mut out = Vec::with_capacity(first.len());
        for (a, b) in first.iter().zip(second) {
            let (a, b) = (a.get(), b.get());
            let key = (u64::from(a as u32) << 32) | u64::from(b as u32);
            let id = match self.pairs.get(&key) {
                Some(&id) => id,
                None => {
                    let term = format!("{}{}{}", word(a)?, sep, word(b)?);
                    let id = self.id(&term);
                    self.pairs.insert(key, id);
                    id
                }
            };
            out.push(id);
        }
        int32_bytes(py, &out)
    }

    /// The words numbered `start` and after, in order.
    fn words_from<'py>(&self, py: Python<'py>, start: usize) -> PyResult<Bound<'py, PyList>> {
        let words: Vec<&str> = self.words.iter().skip(start).map(|w| &**w).collect();
        PyList::new(py, words)
    }
}

#[pymethods]
impl Analyzer {
    /// `user_words`: (word, frequency) added to jieba's dictionary, as rjieba's `add_word` does;
    /// `word_chars`: bitmap (little-endian bit order) of the code points Python's `[^\W_]` matches.
    #[new]
    fn new(user_words: Vec<(String, usize)>, word_chars: &[u8]) -> PyResult<Self> {
        if word_chars.len() < CODE_POINTS / 8 {
            return Err(PyValueError::new_err("word_chars must hold one bit per code point"));
        }
        let mut jieba = Jieba::new();
        for (word, freq) in &user_words {
            jieba.add_word(word, Some(*freq), None);
        }
        Ok(Analyzer { jieba, word_chars: word_chars.to_vec(), subwords: FxHashMap::default() })
    }

    /// (words, positions, starts, ends) of already normalised text: the list of str and three bytes
    /// objects of native int32.
    #[allow(clippy::type_complexity)]
    fn token_lists<'py>(
        &mut self,
        py: Python<'py>,
        norm: &str,
        subwords: bool,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let (runs, joined) = self.split(norm);
        let tokens = self.cut(norm, &runs, &joined, subwords);
        let words = PyList::new(py, &tokens.words)?;
        Ok((words, int32_bytes(py, &tokens.pos)?, int32_bytes(py, &tokens.start)?, int32_bytes(py, &tokens.end)?))
    }

    /// `token_lists` with the words given as their numbers in `vocab` (new words are numbered): four
    /// bytes objects of native int32.
    #[allow(clippy::type_complexity)]
    fn token_ids<'py>(
        &mut self,
        py: Python<'py>,
        norm: &str,
        subwords: bool,
        vocab: &mut Vocab,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        // The segmenter's words, then each looked up once in `vocab.known` with its sub-words.
        let (runs, joined) = self.split(norm);
        let tokens = self.cut(norm, &runs, &joined, false);
        let n = tokens.words.len() + tokens.words.len() / 2;
        let (mut ids, mut pos, mut start, mut end) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for (i, word) in tokens.words.iter().enumerate() {
            let (p, a, b) = (tokens.pos[i], tokens.start[i], tokens.end[i]);
            // (as `push_word`: a Han word of 3 to 12 characters; a token of another run starts with no Han)
            let sub = subwords && 2 < b - a && b - a <= MAX_SUBWORD_PARENT as i32
                && word.chars().next().is_some_and(is_han);
            let ready = matches!(vocab.known.get(*word), Some(k) if !sub || k.subs.is_some());
            if !ready {
                vocab.learn(word, sub.then_some(&self.jieba));
            }
            let k = &vocab.known[*word];
            ids.push(k.id);
            pos.push(p);
            start.push(a);
            end.push(b);
            if sub {
                for &(id, off, size) in k.subs.as_deref().unwrap_or_default() {
                    ids.push(id);
                    pos.push(p);
                    start.push(a + off);
                    end.push(a + off + size);
                }
            }
        }
        Ok((int32_bytes(py, &ids)?, int32_bytes(py, &pos)?, int32_bytes(py, &start)?, int32_bytes(py, &end)?))
    }
}

/// Copy consecutive pieces of `src` (`lengths[i]` bytes each, one after the other) to the offsets
/// `dest[i]` of `buf`: C-contiguous buffers of bytes (`buf` writable) and of int64.
#[pyfunction]
fn scatter(py: Python<'_>, buf: PyBuffer<u8>, dest: PyBuffer<i64>, src: PyBuffer<u8>, lengths: PyBuffer<i64>) -> PyResult<()> {
    if buf.readonly() {
        return Err(PyValueError::new_err("scatter: the destination buffer is read-only"));
    }
    let (Some(dest), Some(lengths)) = (dest.as_slice(py), lengths.as_slice(py)) else {
        return Err(PyValueError::new_err("scatter: offsets and lengths must be C-contiguous"));
    };
    if !buf.is_c_contiguous() || !src.is_c_contiguous() {
        return Err(PyValueError::new_err("scatter: the buffers must be C-contiguous"));
    }
    if dest.len() != lengths.len() {
        return Err(PyValueError::new_err("scatter: as many offsets as lengths"));
    }
    let (out, out_len) = (buf.buf_ptr() as *mut u8, buf.item_count());
    let (from, from_len) = (src.buf_ptr() as *const u8, src.item_count());
    let mut at = 0usize;
    for (d, n) in dest.iter().zip(lengths.iter()) {
        let (d, n) = (d.get(), n.get());
        if d < 0 || n < 0 || (d + n) as usize > out_len || at + n as usize > from_len {
            return Err(PyValueError::new_err("scatter: a piece lies outside its buffer"));
        }
        // SAFETY: both ranges were checked to lie inside their buffers; `copy` allows them to overlap.
        unsafe { std::ptr::copy(from.add(at), out.add(d as usize), n as usize) };
        at += n as usize;
    }
    Ok(())
}

/// A C-contiguous buffer's items, read in place (held, under the GIL, for the whole call).
pub(crate) fn items<'b, T: pyo3::buffer::Element>(b: &'b PyBuffer<T>, what: &str) -> PyResult<&'b [T]> {
    if !b.is_c_contiguous() {
        return Err(PyValueError::new_err(format!("{what} must be a C-contiguous buffer")));
    }
    // SAFETY: a contiguous buffer of `item_count` items of `T` (PyBuffer checked the item format),
    // held for the whole call; nothing writes to it meanwhile (the GIL is held).
    Ok(unsafe { std::slice::from_raw_parts(b.buf_ptr() as *const T, b.item_count()) })
}

pub(crate) fn slice<'a, T: pyo3::buffer::Element>(py: Python<'a>, b: &'a PyBuffer<T>, what: &str) -> PyResult<&'a [pyo3::buffer::ReadOnlyCell<T>]> {
    b.as_slice(py).ok_or_else(|| PyValueError::new_err(format!("{what} must be a C-contiguous buffer")))
}

/// The word pairs of a bulk chunk (`bulk._TextField._pair_tokens`): every token `b` that starts
/// where a token `a` of the same document ends, `a` or `b` a common word (`common[id]` non-zero).
/// Tokens come in document order (`doc` ascending); pairs come `a` by `a` in token order, and for
/// one `a` its `b`s in token order, as numpy's stable sorts give them; starts and ends are offsets
/// into the document's text. Returns (a, b) as int32 bytes.
#[pyfunction]
fn pair_tokens<'py>(py: Python<'py>, ids: PyBuffer<i32>, doc: PyBuffer<i32>, start: PyBuffer<i32>, end: PyBuffer<i32>,
                    common: PyBuffer<u8>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let (ids, doc) = (slice(py, &ids, "ids")?, slice(py, &doc, "doc")?);
    let (start, end, common) = (slice(py, &start, "start")?, slice(py, &end, "end")?, slice(py, &common, "common")?);
    let n = ids.len();
    if doc.len() != n || start.len() != n || end.len() != n {
        return Err(PyValueError::new_err("pair_tokens: ids, doc, start and end must have one value per token"));
    }
    let is_common = |t: usize| -> PyResult<bool> {
        let id = ids[t].get();
        if id < 0 || id as usize >= common.len() {
            return Err(PyValueError::new_err("pair_tokens: a word number outside common"));
        }
        Ok(common[id as usize].get() != 0)
    };
    let (mut out_a, mut out_b): (Vec<i32>, Vec<i32>) = (Vec::new(), Vec::new());
    // A document's tokens by start, in token order within one start: a counting sort over the starts,
    // whose span is at most the length of the document's text (which the analyzer has walked already).
    // at[k]..at[k + 1]: where the tokens starting at the first start + k are in by_start.
    let (mut by_start, mut at, mut next): (Vec<usize>, Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new(), Vec::new());
    let mut lo = 0;
    while lo < n {
        let d = doc[lo].get();
        let mut hi = lo + 1;
        while hi < n && doc[hi].get() == d {
            hi += 1;
        }
        if hi < n && doc[hi].get() < d {
            return Err(PyValueError::new_err("pair_tokens: tokens must come in document order"));
        }
        let (first, last) = (lo..hi).fold((i32::MAX, i32::MIN), |(a, b), t| (a.min(start[t].get()), b.max(start[t].get())));
        let span = (last as i64 - first as i64 + 1) as usize;
        at.clear();
        at.resize(span + 1, 0);
        for t in lo..hi {
            at[(start[t].get() - first) as usize + 1] += 1;
        }
        for k in 0..span {
            at[k + 1] += at[k];
        }
        by_start.clear();
        by_start.resize(hi - lo, 0);
        next.clear();
        next.extend_from_slice(&at);
        for t in lo..hi {
            let k = (start[t].get() - first) as usize;
            by_start[next[k] as usize] = t;
            next[k] += 1;
        }
        for a in lo..hi {
            let e = end[a].get() as i64 - first as i64;
            if e < 0 || e >= span as i64 {
                continue;
            }
            let a_common = is_common(a)?;
            for &b in &by_start[at[e as usize] as usize..at[e as usize + 1] as usize] {
                if a_common || is_common(b)? {
                    out_a.push(a as i32);
                    out_b.push(b as i32);
                }
            }
        }
        lo = hi;
    }
    Ok((int32_bytes(py, &out_a)?, int32_bytes(py, &out_b)?))
}

/// One step of a phrase chain. Candidate `c` (0, 1, … in section order) owns the posting
/// `where_[c]` of a word, whose occurrences are rows `first[p] .. first[p] + counts[p]` of `rows`
/// (int32 triples). An occurrence continues the chain when `c << 32 | (row[col_start] - step)` is
/// in `ends` (sorted, distinct; `None` for the first word: every occurrence starts one); the chain
/// then ends at `c << 32 | row[col_end]`. Returns those ends, sorted and distinct, as int64 bytes.
#[pyfunction]
#[pyo3(signature = (ends, where_, first, counts, rows, col_start, step, col_end))]
#[allow(clippy::too_many_arguments)]
fn phrase_step(py: Python<'_>, ends: Option<PyBuffer<i64>>, where_: PyBuffer<i64>, first: PyBuffer<i64>,
               counts: PyBuffer<i64>, rows: PyBuffer<i32>, col_start: usize, step: i64, col_end: usize)
               -> PyResult<Py<PyBytes>> {
    let (where_, first, counts, rows) = (slice(py, &where_, "where")?, slice(py, &first, "first")?,
                                         slice(py, &counts, "counts")?, slice(py, &rows, "rows")?);
    let ends = match &ends { Some(e) => Some(slice(py, e, "ends")?), None => None };
    if col_start > 2 || col_end > 2 || first.len() != counts.len() {
        return Err(PyValueError::new_err("phrase_step: columns 0..2, as many firsts as counts"));
    }
    let n_rows = rows.len() / 3;
    let mut out: Vec<i64> = Vec::new();
    let (mut j, mut last) = (0usize, i64::MIN);
    for (c, p) in where_.iter().enumerate() {
        let p = p.get();
        if p < 0 || p as usize >= first.len() {
            return Err(PyValueError::new_err("phrase_step: a posting index outside its list"));
        }
        let (f, n) = (first[p as usize].get(), counts[p as usize].get());
        if f < 0 || n < 0 || (f + n) as usize > n_rows {
            return Err(PyValueError::new_err("phrase_step: occurrences outside their rows"));
        }
        let owner = (c as i64) << 32;
        for r in f as usize..(f + n) as usize {
            let end = owner | i64::from(rows[3 * r + col_end].get()) & 0xffff_ffff;
            let Some(ends) = ends else {
                out.push(end);
                continue;
            };
            let v = i64::from(rows[3 * r + col_start].get()) - step;
            if v < 0 {
                continue;
            }
            let key = owner | v;
            if key < last {  // occurrences out of order: find the place again
                j = ends.partition_point(|e| e.get() < key);
            }
            last = key;
            while j < ends.len() && ends[j].get() < key {
                j += 1;
            }
            if j < ends.len() && ends[j].get() == key {
                out.push(end);
            }
        }
    }
    if out.windows(2).any(|w| w[0] > w[1]) {
        out.sort_unstable();
    }
    out.dedup();
    let bytes: Vec<u8> = out.iter().flat_map(|k| k.to_ne_bytes()).collect();
    Ok(PyBytes::new(py, &bytes).unbind())
}

/// `total[id] += idf * (w * k1p1) / (w + k1 * (omb + b * len / avg))` (`k1p1` = k1 + 1, `omb` = 1 - b,
/// as Python computes them) for every posting (`ids`, `weights`) whose section is `matched` (one byte
/// per section), `len` being `lengths[length_bytes[id]]`: numpy's float32 steps in numpy's order,
/// added as float64.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn bm25_add(py: Python<'_>, total: PyBuffer<f64>, ids: PyBuffer<i64>, weights: PyBuffer<f32>, length_bytes: PyBuffer<u8>,
            lengths: PyBuffer<f32>, matched: PyBuffer<u8>, idf: f32, avg: f32, k1: f32, k1p1: f32, omb: f32, b: f32)
            -> PyResult<()> {
    let out = out_slice(&total, "bm25_add: the scores")?;
    let (ids, weights, length_bytes, lengths, matched) = (slice(py, &ids, "ids")?, slice(py, &weights, "weights")?,
        slice(py, &length_bytes, "length bytes")?, slice(py, &lengths, "lengths")?, slice(py, &matched, "matched")?);
    let n = out.len();
    if ids.len() != weights.len() || lengths.len() != 256 || length_bytes.len() != n || matched.len() != n {
        return Err(PyValueError::new_err("bm25_add: arrays of different lengths"));
    }
    for (id, w) in ids.iter().zip(weights.iter()) {
        let id = id.get();
        if id < 0 || id as usize >= n {
            return Err(PyValueError::new_err("bm25_add: a section number outside the scores"));
        }
        let id = id as usize;
        if matched[id].get() == 0 {
            continue;
        }
        let (w, len) = (w.get(), lengths[length_bytes[id].get() as usize].get());
        out[id] += f64::from(bm25_term(w, len, idf, avg, k1, k1p1, omb, b));
    }
    Ok(())
}

/// `out[sec_doc[s]] = 1` for every section `s` set in `sections` (a byte per section): the documents
/// having one of them (`Tables.docs_of`), without numpy's index array of the set sections.
#[pyfunction]
fn docs_of(py: Python<'_>, sec_doc: PyBuffer<i32>, sections: PyBuffer<u8>, out: PyBuffer<u8>) -> PyResult<()> {
    let o = out_slice(&out, "docs_of: the documents")?;
    let (docs, on) = (slice(py, &sec_doc, "sec_doc")?, slice(py, &sections, "sections")?);
    if docs.len() != on.len() {
        return Err(PyValueError::new_err("docs_of: sections and their documents of different lengths"));
    }
    for (d, s) in docs.iter().zip(on.iter()) {
        if s.get() != 0 {
            o[doc_index(d.get(), o.len())?] = 1;
        }
    }
    Ok(())
}

/// `best[d]` = the largest of itself and `scores[s]` over the sections `s` of document `d` set in
/// `sections`, as `np.maximum.at(best, sec_doc[where], scores[where])` gives it (a NaN wins).
#[pyfunction]
fn doc_max(py: Python<'_>, sec_doc: PyBuffer<i32>, sections: PyBuffer<u8>, scores: PyBuffer<f64>,
           best: PyBuffer<f64>) -> PyResult<()> {
    let o = out_slice(&best, "doc_max: the best scores")?;
    let (docs, on, sc) = (slice(py, &sec_doc, "sec_doc")?, slice(py, &sections, "sections")?,
        slice(py, &scores, "scores")?);
    if docs.len() != on.len() || docs.len() != sc.len() {
        return Err(PyValueError::new_err("doc_max: sections, documents and scores of different lengths"));
    }
    for ((d, s), v) in docs.iter().zip(on.iter()).zip(sc.iter()) {
        if s.get() != 0 {
            let (i, v) = (doc_index(d.get(), o.len())?, v.get());
            if v > o[i] || v.is_nan() {
                o[i] = v;
            }
        }
    }
    Ok(())
}

/// For each section key `k` in `0..keys`: how many documents have a section set in `sections` with
/// that key (`sec_key`; a negative key counts nowhere), each document once (`Tables.facets`).
#[pyfunction]
fn docs_per_key(py: Python<'_>, sec_doc: PyBuffer<i32>, sec_key: PyBuffer<i32>, sections: PyBuffer<u8>,
                ndocs: usize, keys: usize) -> PyResult<Vec<u64>> {
    let (docs, key, on) = (slice(py, &sec_doc, "sec_doc")?, slice(py, &sec_key, "sec_key")?,
        slice(py, &sections, "sections")?);
    if docs.len() != on.len() || docs.len() != key.len() || keys > 64 {
        return Err(PyValueError::new_err("docs_per_key: arrays of different lengths, or more than 64 keys"));
    }
    let mut seen = vec![0u64; ndocs];
    let mut counts = vec![0u64; keys];
    for ((d, k), s) in docs.iter().zip(key.iter()).zip(on.iter()) {
        let k = k.get();
        if s.get() == 0 || k < 0 || k as usize >= keys {
            continue;
        }
        let (i, bit) = (doc_index(d.get(), ndocs)?, 1u64 << k);
        if seen[i] & bit == 0 {
            seen[i] |= bit;
            counts[k as usize] += 1;
        }
    }
    Ok(counts)
}

fn doc_index(d: i32, n: usize) -> PyResult<usize> {
    if d < 0 || d as usize >= n {
        return Err(PyValueError::new_err("a section's document number outside the documents"));
    }
    Ok(d as usize)
}

/// One posting's BM25 contribution in numpy's float32 steps and order (see `bm25_add`).
#[inline]
#[allow(clippy::too_many_arguments)]
fn bm25_term(w: f32, len: f32, idf: f32, avg: f32, k1: f32, k1p1: f32, omb: f32, b: f32) -> f32 {
    (idf * (w * k1p1)) / (w + k1 * (omb + (b * len) / avg))
}

/// One segment's long list (as `hot_fill` reads it) scored straight from the file into `total`, as
/// `hot_fill` then `bm25_add` would (the same float32 steps, so the same scores), for a word a search
/// scores but does not match on (a phrase's words): nothing is written but the scores.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn hot_bm25(py: Python<'_>, file: PyBuffer<u8>, ids_at: i64, count: usize, id_size: usize, freq_at: i64,
            offset: i64, boost: f64, total: PyBuffer<f64>, length_bytes: PyBuffer<u8>, lengths: PyBuffer<f32>,
            matched: PyBuffer<u8>, idf: f32, avg: f32, k1: f32, k1p1: f32, omb: f32, b: f32) -> PyResult<()> {
    let buf = file_bytes(&file, "hot_bm25")?;
    let list = LongList::at(buf, ids_at, count, id_size, freq_at)?;
    let out = out_slice(&total, "hot_bm25: the scores")?;
    let (length_bytes, lengths, matched) = (slice(py, &length_bytes, "length bytes")?, slice(py, &lengths, "lengths")?,
        slice(py, &matched, "matched")?);
    let n = out.len();
    if lengths.len() != 256 || length_bytes.len() != n || matched.len() != n {
        return Err(PyValueError::new_err("hot_bm25: arrays of different lengths"));
    }
    for i in 0..count {
        let id = offset + list.id(i);
        if id < 0 || id as usize >= n {
            return Err(PyValueError::new_err("hot_bm25: a section number outside the scores"));
        }
        let id = id as usize;
        if matched[id].get() == 0 {
            continue;
        }
        let w = (f64::from(list.freq(i)) * boost) as f32;
        let len = lengths[length_bytes[id].get() as usize].get();
        out[id] += f64::from(bm25_term(w, len, idf, avg, k1, k1p1, omb, b));
    }
    Ok(())
}

/// A mapped file's bytes (`hot_fill`, `hot_bm25`).
pub(crate) fn file_bytes<'b>(file: &'b PyBuffer<u8>, what: &str) -> PyResult<&'b [u8]> {
    if !file.is_c_contiguous() {
        return Err(PyValueError::new_err(format!("{what}: the file must be a C-contiguous buffer")));
    }
    // SAFETY: a contiguous buffer of `item_count` bytes, held (and so kept mapped) for the whole call.
    Ok(unsafe { std::slice::from_raw_parts(file.buf_ptr() as *const u8, file.item_count()) })
}

/// One segment's long list in its file: `count` section numbers of `id_size` (2 or 4) bytes and as
/// many uint16 frequencies, in native byte order (`hotlists.HotWriter`).
struct LongList<'b> {
    ids: &'b [u8],
    freq: &'b [u8],
    id_size: usize,
}

impl<'b> LongList<'b> {
    fn at(buf: &'b [u8], ids_at: i64, count: usize, id_size: usize, freq_at: i64) -> PyResult<Self> {
        if !(id_size == 2 || id_size == 4) {
            return Err(PyValueError::new_err("a long list's section numbers are neither 2 nor 4 bytes"));
        }
        Ok(LongList { ids: bytes_at(buf, ids_at, count * id_size, "section numbers")?,
                      freq: bytes_at(buf, freq_at, count * 2, "frequencies")?, id_size })
    }

    fn id(&self, i: usize) -> i64 {
        if self.id_size == 2 {
            i64::from(u16::from_ne_bytes([self.ids[2 * i], self.ids[2 * i + 1]]))
        } else {
            i64::from(u32::from_ne_bytes(self.ids[4 * i..4 * i + 4].try_into().unwrap()))
        }
    }

    fn freq(&self, i: usize) -> u16 {
        u16::from_ne_bytes([self.freq[2 * i], self.freq[2 * i + 1]])
    }
}

/// The bytes `at .. at + n` of `buf`, or an error naming `what`.
fn bytes_at<'b>(buf: &'b [u8], at: i64, n: usize, what: &str) -> PyResult<&'b [u8]> {
    if at < 0 || (at as usize).checked_add(n).map_or(true, |end| end > buf.len()) {
        return Err(PyValueError::new_err(format!("the {what} of a long list lie outside its file")));
    }
    Ok(&buf[at as usize..at as usize + n])
}

/// A writable C-contiguous buffer as a mutable slice of `T`.
fn out_slice<'b, T: pyo3::buffer::Element>(b: &'b PyBuffer<T>, what: &str) -> PyResult<&'b mut [T]> {
    if b.readonly() || !b.is_c_contiguous() {
        return Err(PyValueError::new_err(format!("{what} must be a writable C-contiguous buffer")));
    }
    // SAFETY: a writable, contiguous buffer of `item_count` items of `T`, held for the whole call
    // under the GIL; nothing else writes to it meanwhile.
    Ok(unsafe { std::slice::from_raw_parts_mut(b.buf_ptr() as *mut T, b.item_count()) })
}

/// One segment's long list (`hotlists.HotLists`: `count` section numbers of `id_size` bytes at
/// `ids_at`, uint16 frequencies at `freq_at`) into `ids` (+ `offset`, int64) and `weights`
/// (frequency times `boost` as float64, stored as float32: numpy's `(freq * boost).astype(float32)`).
/// With `rows`: `counts` gets the frequencies and `rows` the occurrences, (join, join - start
/// distance, join + end distance) from int32 joins and uint16 distances, or int32 triples as they are
/// when `d_start_at` is negative.
#[pyfunction]
#[pyo3(signature = (file, ids_at, count, id_size, freq_at, offset, boost, ids, weights, join_at=-1, d_start_at=-1, d_end_at=-1, n_rows=0, counts=None, rows=None))]
#[allow(clippy::too_many_arguments)]
fn hot_fill(file: PyBuffer<u8>, ids_at: i64, count: usize, id_size: usize, freq_at: i64, offset: i64,
            boost: f64, ids: PyBuffer<i64>, weights: PyBuffer<f32>, join_at: i64, d_start_at: i64, d_end_at: i64,
            n_rows: usize, counts: Option<PyBuffer<u16>>, rows: Option<PyBuffer<i32>>) -> PyResult<()> {
    let buf = file_bytes(&file, "hot_fill")?;
    let list = LongList::at(buf, ids_at, count, id_size, freq_at)?;
    let (ids_out, w_out) = (out_slice(&ids, "hot_fill: ids")?, out_slice(&weights, "hot_fill: weights")?);
    if ids_out.len() != count || w_out.len() != count {
        return Err(PyValueError::new_err("hot_fill: outputs of another length"));
    }
    for i in 0..count {
        ids_out[i] = list.id(i) + offset;
        w_out[i] = (f64::from(list.freq(i)) * boost) as f32;
    }
    let (Some(counts), Some(rows)) = (counts, rows) else {
        return Ok(());
    };
    let (c_out, r_out) = (out_slice(&counts, "hot_fill: counts")?, out_slice(&rows, "hot_fill: rows")?);
    if c_out.len() != count || r_out.len() != 3 * n_rows {
        return Err(PyValueError::new_err("hot_fill: counts or rows of another length"));
    }
    let mut total = 0usize;
    for (i, c) in c_out.iter_mut().enumerate() {
        *c = list.freq(i);
        total += usize::from(*c);
    }
    if total != n_rows {
        return Err(PyValueError::new_err("hot_fill: the frequencies do not add up to the occurrences"));
    }
    let i32_at = |b: &[u8], i: usize| i32::from_ne_bytes(b[4 * i..4 * i + 4].try_into().unwrap());
    if d_start_at < 0 {
        let raw = bytes_at(buf, join_at, 12 * n_rows, "occurrences")?;
        for (k, v) in r_out.iter_mut().enumerate() {
            *v = i32_at(raw, k);
        }
        return Ok(());
    }
    let join = bytes_at(buf, join_at, 4 * n_rows, "joins")?;
    let d_start = bytes_at(buf, d_start_at, 2 * n_rows, "start distances")?;
    let d_end = bytes_at(buf, d_end_at, 2 * n_rows, "end distances")?;
    for r in 0..n_rows {
        let j = i32_at(join, r);
        r_out[3 * r] = j;
        r_out[3 * r + 1] = j.wrapping_sub(i32::from(u16::from_ne_bytes([d_start[2 * r], d_start[2 * r + 1]])));
        r_out[3 * r + 2] = j.wrapping_add(i32::from(u16::from_ne_bytes([d_end[2 * r], d_end[2 * r + 1]])));
    }
    Ok(())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Analyzer>()?;
    m.add_class::<Vocab>()?;
    m.add_function(wrap_pyfunction!(scatter, m)?)?;
    m.add_function(wrap_pyfunction!(blocks::encode_postings, m)?)?;
    m.add_function(wrap_pyfunction!(chunks::sort_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(chunks::merge_by_rank, m)?)?;
    m.add_function(wrap_pyfunction!(phrase_step, m)?)?;
    m.add_function(wrap_pyfunction!(pair_tokens, m)?)?;
    m.add_function(wrap_pyfunction!(bm25_add, m)?)?;
    m.add_function(wrap_pyfunction!(hot_fill, m)?)?;
    m.add_function(wrap_pyfunction!(hot_bm25, m)?)?;
    m.add_function(wrap_pyfunction!(docs_of, m)?)?;
    m.add_function(wrap_pyfunction!(doc_max, m)?)?;
    m.add_function(wrap_pyfunction!(docs_per_key, m)?)?;
    Ok(())
}
