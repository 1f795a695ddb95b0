//! The bulk writer's postings of a text field (`bulk._TextField`), sorted by counting where numpy
//! sorts by comparison and gathers every array again in the sorted order:
//! - `sort_chunk`: a chunk of tokens (documents in order) into postings sorted by (term, document),
//!   with their occurrences in that order;
//! - `merge_by_rank`: the postings of a group of terms, gathered chunk after chunk, into term order.
//!
//! Both are stable, as numpy's stable argsort is: within a term, documents and occurrences keep
//! their order. tests/test_native.py compares them with the numpy code they stand in for.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::items;

fn err(what: &str) -> PyErr {
    PyValueError::new_err(what.to_string())
}

/// Values as bytes in native order (for `np.frombuffer` and file writes).
pub(crate) fn bytes_of<'py, T: Copy, const N: usize>(py: Python<'py>, values: &[T], to: impl Fn(T) -> [u8; N]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, values.len() * N, |buf| {
        for (chunk, &v) in buf.chunks_exact_mut(N).zip(values) {
            chunk.copy_from_slice(&to(v));
        }
        Ok(())
    })
}

/// Where each key of `keys` (in 0..n_keys) goes in a stable sort by key (a counting sort), and
/// where each key's run starts in that order (n_keys + 1 bounds).
fn counting_order(keys: impl Iterator<Item = usize> + Clone, n_keys: usize) -> (Vec<u32>, Vec<usize>) {
    let mut bounds = vec![0usize; n_keys + 1];
    for k in keys.clone() {
        bounds[k + 1] += 1;
    }
    for k in 0..n_keys {
        bounds[k + 1] += bounds[k];
    }
    let mut next = bounds.clone();
    let at = keys.map(|k| {
        let p = next[k];
        next[k] += 1;
        p as u32
    }).collect();
    (at, bounds)
}

/// A chunk's tokens (word numbers `ids`, documents `doc` in order, occurrence triples `trip`) sorted
/// by (`key[id]`, document), `key` numbering the chunk's words 0.. in term order. Returns the
/// occurrences in that order (int32 triples), the postings (document, frequency: int32 pairs), and
/// per term in key order its word number (int32), first posting and first occurrence (int64).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn sort_chunk<'py>(py: Python<'py>, ids: PyBuffer<i32>, doc: PyBuffer<i32>, trip: PyBuffer<i32>, key: PyBuffer<i32>,
                       n_keys: usize)
                       -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>,
                                    Bound<'py, PyBytes>)> {
    let (ids, doc, trip, key) = (items(&ids, "ids")?, items(&doc, "doc")?, items(&trip, "trip")?, items(&key, "key")?);
    let n = ids.len();
    if doc.len() != n || trip.len() != 3 * n {
        return Err(err("sort_chunk: one document and one triple per token"));
    }
    let key_of = |id: i32| usize::try_from(id).ok().and_then(|i| key.get(i)).copied().unwrap_or(-1);
    if ids.iter().any(|&id| !(0..n_keys as i64).contains(&i64::from(key_of(id)))) {
        return Err(err("sort_chunk: a word without a key in 0 .. n_keys"));
    }
    let (at, bounds) = counting_order(ids.iter().map(|&id| key_of(id) as usize), n_keys);
    let mut s_doc = vec![0i32; n];
    let s_trip = PyBytes::new_with(py, 12 * n, |buf| {
        for (i, &p) in at.iter().enumerate() {
            let p = p as usize;
            s_doc[p] = doc[i];
            for j in 0..3 {
                buf[12 * p + 4 * j..12 * p + 4 * j + 4].copy_from_slice(&trip[3 * i + j].to_ne_bytes());
            }
        }
        Ok(())
    })?;
    let mut word = vec![-1i32; n_keys];
    for &id in ids {
        word[key_of(id) as usize] = id;
    }
    let (mut rows, mut terms, mut first, mut first_occ) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..n_keys {
        let (a, b) = (bounds[k], bounds[k + 1]);
        if a == b {
            continue;
        }
        terms.push(word[k]);
        first.push((rows.len() / 2) as i64);
        first_occ.push(a as i64);
        for p in a..b {
            if p == a || s_doc[p] != s_doc[p - 1] {
                rows.extend_from_slice(&[s_doc[p], 0]);
            }
            let last = rows.len() - 1;
            rows[last] += 1;
        }
    }
    Ok((s_trip, bytes_of(py, &rows, i32::to_ne_bytes)?, bytes_of(py, &terms, i32::to_ne_bytes)?,
        bytes_of(py, &first, i64::to_ne_bytes)?, bytes_of(py, &first_occ, i64::to_ne_bytes)?))
}

/// Postings (term rank `rank` in `lo .. hi`, document, frequency) and their occurrences (int32
/// triples, `freq` per posting, in posting order) put in a stable order by rank. Returns the four
/// in that order, as bytes of int32.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn merge_by_rank<'py>(py: Python<'py>, rank: PyBuffer<i32>, doc: PyBuffer<i32>, freq: PyBuffer<i32>, occ: PyBuffer<i32>,
                          lo: i32, hi: i32)
                          -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let (rank, doc, freq, occ) = (items(&rank, "rank")?, items(&doc, "doc")?, items(&freq, "freq")?, items(&occ, "occ")?);
    let n = rank.len();
    if doc.len() != n || freq.len() != n || hi < lo {
        return Err(err("merge_by_rank: one document and frequency per posting, lo <= hi"));
    }
    if rank.iter().any(|&r| r < lo || r >= hi) || freq.iter().any(|&f| f < 0) {
        return Err(err("merge_by_rank: ranks in lo .. hi, frequencies not negative"));
    }
    let total: usize = freq.iter().map(|&f| f as usize).sum();
    if occ.len() != 3 * total {
        return Err(err("merge_by_rank: three values per occurrence, as many occurrences as the frequencies"));
    }
    let (at, _) = counting_order(rank.iter().map(|&r| (r - lo) as usize), (hi - lo) as usize);
    let mut source = vec![0u32; n];
    for (i, &p) in at.iter().enumerate() {
        source[p as usize] = i as u32;
    }
    let gather = |values: &[i32]| bytes_of(py, &source.iter().map(|&i| values[i as usize]).collect::<Vec<_>>(), i32::to_ne_bytes);
    // Each posting's occurrences, from where they were (after those of the postings before it).
    let mut start = Vec::with_capacity(n);
    let mut before = 0usize;
    for &f in freq {
        start.push(before);
        before += f as usize;
    }
    let s_occ = PyBytes::new_with(py, 12 * total, |buf| {
        let mut to = 0usize;
        for &i in &source {
            let (from, count) = (3 * start[i as usize], 3 * freq[i as usize] as usize);
            let piece = &occ[from..from + count];
            // SAFETY: `piece` is `count` initialised i32s, viewed as their 4 * count bytes.
            let bytes = unsafe { std::slice::from_raw_parts(piece.as_ptr() as *const u8, 4 * count) };
            buf[to..to + 4 * count].copy_from_slice(bytes);
            to += 4 * count;
        }
        Ok(())
    })?;
    Ok((gather(rank)?, gather(doc)?, gather(freq)?, s_occ))
}
