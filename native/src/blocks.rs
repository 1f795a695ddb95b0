//! Whoosh W3 posting lists of a group of terms (`w3write.write_postings`), laid out in one pass where
//! numpy takes a dozen array passes, and a Python loop a few calls per block.
//!
//! The bytes are those of the numpy layout (`w3write._encode`; tests/test_w3write.py compares them).
//! Blocks are compressed by the Python function handed in (`deflate.compress_block`: ISA-L, which is
//! faster on these blocks than libdeflate or zlib-rs from Rust), except those under `small` bytes
//! (`w3write.SMALL`) and those it would not make smaller: they are stored as they are, their info's compression 0
//! (Whoosh's reader then does not decompress them).

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::items;

const MAGIC: &[u8; 4] = b"W3Bl";
const INFO: usize = 30;
const PROTO: u8 = 0x80;
const MARK: u8 = b'(';
const TUPLE: u8 = b't';
const STOP: u8 = b'.';
const NONE: u8 = b'N';
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const BINFLOAT: u8 = b'G';
const SHORT_BYTES: u8 = b'C';
const BYTES: u8 = b'B';

/// One block's pickled `(ids, weights, values)` into `raw` (``w3write``'s layout: ids delta-encoded
/// from the block's first, weights `None` when all 1.0, one float when all equal, else a tuple: of
/// ints when all are whole; ints in pickle's shortest opcode).
fn pickle_block(raw: &mut Vec<u8>, doc: &[i64], weight: &[f32], values: Option<(&[u8], &[i64])>) {
    raw.clear();
    raw.extend_from_slice(&[PROTO, 3, MARK, MARK]);
    let mut prev = doc[0];
    for (i, &d) in doc.iter().enumerate() {
        push_int(raw, if i == 0 { d } else { d - prev });
        prev = d;
    }
    raw.push(TUPLE);
    let (wmin, wmax) = weight.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &w| (a.min(w), b.max(w)));
    if wmin == 1.0 && wmax == 1.0 {
        raw.push(NONE);
    } else if wmin == wmax {
        raw.push(BINFLOAT);
        raw.extend_from_slice(&f64::from(wmax).to_be_bytes());
    } else {
        raw.push(MARK);
        if weight.iter().all(|&w| (0.0..2147483648.0).contains(&w) && w.fract() == 0.0) {
            for &w in weight {
                push_int(raw, w as i64); // whole weights (frequencies times a whole boost) as ints
            }
        } else {
            for &w in weight {
                raw.push(BINFLOAT);
                raw.extend_from_slice(&f64::from(w).to_be_bytes());
            }
        }
        raw.push(TUPLE);
    }
    match values {
        None => raw.push(NONE),
        Some((bytes, lengths)) => {
            raw.push(MARK);
            let mut at = 0usize;
            for &n in lengths {
                let n = n as usize;
                if n < 256 {
                    raw.extend_from_slice(&[SHORT_BYTES, n as u8]);
                } else {
                    raw.push(BYTES);
                    raw.extend_from_slice(&(n as u32).to_le_bytes());
                }
                raw.extend_from_slice(&bytes[at..at + n]);
                at += n;
            }
            raw.push(TUPLE);
        }
    }
    raw.extend_from_slice(&[TUPLE, STOP]);
}

/// A non-negative int below 2**31 in pickle's shortest opcode for it, as `pickle.dumps` writes it.
fn push_int(raw: &mut Vec<u8>, v: i64) {
    if v < 256 {
        raw.extend_from_slice(&[BININT1, v as u8]);
    } else if v < 65536 {
        raw.push(BININT2);
        raw.extend_from_slice(&(v as u16).to_le_bytes());
    } else {
        raw.push(BININT);
        raw.extend_from_slice(&(v as i32).to_le_bytes());
    }
}

/// A block's pickled info tuple `(count, last id, max weight, compression, min length byte, max length byte)`.
fn block_info(doc: &[i64], weight: &[f32], len_byte: &[u8], level: u8) -> [u8; INFO] {
    let wmax = weight.iter().fold(f32::NEG_INFINITY, |a, &w| a.max(w));
    let lb_max = len_byte.iter().copied().max().unwrap_or(0);
    let lb_min = len_byte.iter().copied().filter(|&b| b != 0).min().unwrap_or(0);
    let mut info = [0u8; INFO];
    info[..4].copy_from_slice(&[PROTO, 2, MARK, BININT]);
    info[4..8].copy_from_slice(&(doc.len() as i32).to_le_bytes());
    info[8] = BININT;
    info[9..13].copy_from_slice(&(doc[doc.len() - 1] as i32).to_le_bytes());
    info[13] = BINFLOAT;
    info[14..22].copy_from_slice(&f64::from(wmax).to_be_bytes());
    info[22..30].copy_from_slice(&[BININT1, level, BININT1, lb_min, BININT1, lb_max, TUPLE, STOP]);
    info
}

/// The posting lists of consecutive terms (their first postings at `term_start`, ascending from 0)
/// in Whoosh's W3 layout, blocks of `block` postings, those of `small` bytes or more compressed by
/// `compress(bytes)` and their info's compression `level` (None or level 0: none compressed).
/// `values` (all postings' values one after the other, `value_len` bytes each) is None for formats
/// without values. Returns the lists' bytes and, as int64 bytes, where each term's list starts in
/// them followed by their total length.
#[pyfunction]
#[pyo3(signature = (term_start, doc, weight, len_byte, block, small, level, compress, values=None, value_len=None))]
#[allow(clippy::too_many_arguments)]
pub fn encode_postings<'py>(py: Python<'py>, term_start: PyBuffer<i64>, doc: PyBuffer<i64>, weight: PyBuffer<f32>,
                            len_byte: PyBuffer<u8>, block: usize, small: usize, level: u8, compress: Option<Bound<'py, PyAny>>,
                            values: Option<PyBuffer<u8>>, value_len: Option<PyBuffer<i64>>)
                            -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let err = |what: &str| PyValueError::new_err(format!("encode_postings: {what}"));
    let (term_start, doc) = (items(&term_start, "encode_postings: term_start")?, items(&doc, "encode_postings: doc")?);
    let weight = items(&weight, "encode_postings: weight")?;
    let len_byte = items(&len_byte, "encode_postings: len_byte")?;
    let n = doc.len();
    if weight.len() != n || len_byte.len() != n {
        return Err(err("doc, weight and len_byte must have one value per posting"));
    }
    if block == 0 {
        return Err(err("a block holds at least one posting"));
    }
    if term_start.first().is_some_and(|&s| s != 0)
        || term_start.windows(2).any(|w| w[1] <= w[0])
        || term_start.last().is_some_and(|&s| s as usize >= n)
    {
        return Err(err("terms start at 0 and at ascending postings, each with at least one"));
    }
    if doc.iter().any(|&d| !(0..=i64::from(i32::MAX)).contains(&d)) {
        return Err(err("document numbers lie in 0 .. 2**31"));
    }
    let value_lists = match (&values, &value_len) {
        (Some(v), Some(l)) => {
            let (bytes, lengths) = (items(v, "encode_postings: values")?, items(l, "encode_postings: value_len")?);
            if lengths.len() != n || lengths.iter().any(|&x| x < 0) || lengths.iter().sum::<i64>() as usize != bytes.len() {
                return Err(err("one value length per posting, adding up to the values' bytes"));
            }
            Some((bytes, lengths))
        }
        (None, None) => None,
        _ => return Err(err("values and value_len come together")),
    };
    let compress = compress.filter(|_| level > 0);
    let (mut out, mut raw) = (Vec::with_capacity(n * 24), Vec::new());
    let mut offsets: Vec<i64> = Vec::with_capacity(term_start.len() + 1);
    let mut value_at = 0usize;
    for (t, &s) in term_start.iter().enumerate() {
        let e = term_start.get(t + 1).map_or(n, |&x| x as usize);
        offsets.push(out.len() as i64);
        out.extend_from_slice(MAGIC);
        let mut b = s as usize;
        while b < e {
            let be = (b + block).min(e);
            let vals = value_lists.as_ref().map(|(bytes, lengths)| {
                let size = lengths[b..be].iter().sum::<i64>() as usize;
                let piece = (&bytes[value_at..value_at + size], &lengths[b..be]);
                value_at += size;
                piece
            });
            pickle_block(&mut raw, &doc[b..be], &weight[b..be], vals);
            let packed = match &compress {
                Some(f) if raw.len() >= small => Some(f.call1((PyBytes::new(py, &raw),))?.downcast_into::<PyBytes>()?),
                _ => None,
            }
            .filter(|p| p.as_bytes().len() < raw.len());
            let (data, used) = match &packed { Some(p) => (p.as_bytes(), level), None => (&raw[..], 0) };
            let length = (INFO + data.len()) as i32;
            out.extend_from_slice(&(if be == e { -length } else { length }).to_be_bytes());
            out.extend_from_slice(&block_info(&doc[b..be], &weight[b..be], &len_byte[b..be], used));
            out.extend_from_slice(data);
            b = be;
        }
    }
    offsets.push(out.len() as i64);
    let offsets: Vec<u8> = offsets.iter().flat_map(|o| o.to_ne_bytes()).collect();
    Ok((PyBytes::new(py, &out), PyBytes::new(py, &offsets)))
}
