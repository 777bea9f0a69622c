//! Test archives, built at test time.
//!
//! zip, tar (plain, gzip, bzip2, xz) and 7z come from their Rust crates.
//! RAR has no free creator (RARLAB's `rar` is non-free and not in Debian
//! main), so RAR v4 and v5 archives are written here from the published
//! format descriptions (RARLAB's `technote.txt` for v4, "RAR 5.0 archive
//! format" for v5), using the *store* method only. That exercises
//! libarchive's RAR readers, format detection and multi-volume handling; it
//! does not exercise RAR decompression itself, which is libarchive's own,
//! tested upstream.

// `allow`, not `expect`: each test binary compiles this module and uses a
// different subset, so "unused" is true in some binaries and not others.
#![allow(dead_code)]

use std::io::{Cursor, Write};

pub type Entries<'a> = &'a [(&'a str, &'a [u8])];

/// A zip archive (deflate).
pub fn zip(entries: Entries) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options)?;
        writer.write_all(data)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// Tar compression variants.
#[derive(Debug, Clone, Copy)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
    Xz,
}

/// A tar archive, optionally compressed. Names are written raw, so tests
/// can build hostile archives (`..`, absolute names).
pub fn tar(
    entries: Entries,
    compression: Compression,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        raw_name(&mut header, name)?;
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, *data)?;
    }
    compress(builder.into_inner()?, compression)
}

/// A tar archive holding one symlink `name -> target` and then a file
/// written through it (the classic link-then-write escape).
pub fn tar_with_symlink(name: &str, target: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    raw_name(&mut header, name)?;
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_link_name(target)?;
    header.set_size(0);
    header.set_mode(0o777);
    header.set_cksum();
    builder.append(&header, std::io::empty())?;
    let mut file = tar::Header::new_gnu();
    raw_name(&mut file, &format!("{name}/payload.txt"))?;
    file.set_size(4);
    file.set_mode(0o644);
    file.set_cksum();
    builder.append(&file, &b"evil"[..])?;
    Ok(builder.into_inner()?)
}

fn raw_name(header: &mut tar::Header, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = name.as_bytes();
    let field = &mut header.as_old_mut().name;
    if bytes.len() > field.len() {
        return Err("tar name too long for the test helper".into());
    }
    field.fill(0);
    field[..bytes.len()].copy_from_slice(bytes);
    Ok(())
}

fn compress(raw: Vec<u8>, compression: Compression) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    Ok(match compression {
        Compression::None => raw,
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&raw)?;
            enc.finish()?
        }
        Compression::Bzip2 => {
            let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            enc.write_all(&raw)?;
            enc.finish()?
        }
        Compression::Xz => {
            let mut enc = xz2::write::XzEncoder::new(Vec::new(), 6);
            enc.write_all(&raw)?;
            enc.finish()?
        }
    })
}

/// A 7z archive (LZMA2).
pub fn seven_zip(entries: Entries) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut writer = sevenz_rust2::ArchiveWriter::new(Cursor::new(Vec::new()))?;
    for (name, data) in entries {
        writer.push_archive_entry(
            sevenz_rust2::ArchiveEntry::new_file(name),
            Some(Cursor::new(data.to_vec())),
        )?;
    }
    Ok(writer.finish()?.into_inner())
}

// ---------------------------------------------------------------- RAR v4

const RAR4_MARK: [u8; 7] = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
const MHD_VOLUME: u16 = 0x0001;
const MHD_NEWNUMBERING: u16 = 0x0010;
const MHD_FIRSTVOLUME: u16 = 0x0100;
const LHD_SPLIT_BEFORE: u16 = 0x0001;
const LHD_SPLIT_AFTER: u16 = 0x0002;
const LONG_BLOCK: u16 = 0x8000;
const EARC_NEXT_VOLUME: u16 = 0x0001;

fn crc32(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytes);
    hasher.finalize()
}

/// One v4 block: CRC16 (low half of CRC32 over everything after it), type,
/// flags, size, body.
fn rar4_block(kind: u8, flags: u16, body: &[u8]) -> Vec<u8> {
    let size = u16::try_from(7 + body.len()).unwrap_or(u16::MAX);
    let mut header = vec![kind];
    header.extend_from_slice(&flags.to_le_bytes());
    header.extend_from_slice(&size.to_le_bytes());
    header.extend_from_slice(body);
    let crc = (crc32(&header) & 0xffff) as u16;
    let mut out = crc.to_le_bytes().to_vec();
    out.extend_from_slice(&header);
    out
}

fn rar4_file_header(name: &str, part: &[u8], total: &[u8], crc: u32, flags: u16) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(part.len() as u32).to_le_bytes()); // PACK_SIZE
    body.extend_from_slice(&(total.len() as u32).to_le_bytes()); // UNP_SIZE
    body.push(3); // HOST_OS: Unix
    body.extend_from_slice(&crc.to_le_bytes()); // FILE_CRC
    body.extend_from_slice(&0x5a8e_3100u32.to_le_bytes()); // FTIME (DOS)
    body.push(29); // UNP_VER 2.9
    body.push(0x30); // METHOD: store
    body.extend_from_slice(&(name.len() as u16).to_le_bytes());
    body.extend_from_slice(&0o100_644u32.to_le_bytes()); // ATTR: regular file, 0644
    body.extend_from_slice(name.as_bytes());
    rar4_block(0x74, LONG_BLOCK | flags, &body)
}

/// A RAR v4 archive (store method) split over up to `volumes` volumes.
/// With `new_numbering` the volumes are meant to be named `x.partN.rar`,
/// otherwise `x.rar`, `x.r00`, `x.r01`, ...
pub fn rar4(entries: Entries, volumes: usize, new_numbering: bool) -> Vec<Vec<u8>> {
    let layout = split(entries, volumes);
    let count = layout.len();
    let mut out = Vec::new();
    for (v, parts) in layout.into_iter().enumerate() {
        let mut vol = RAR4_MARK.to_vec();
        let mut main = 0u16;
        if count > 1 {
            main |= MHD_VOLUME;
            if v == 0 {
                main |= MHD_FIRSTVOLUME;
            }
        }
        if new_numbering {
            main |= MHD_NEWNUMBERING;
        }
        vol.extend(rar4_block(0x73, main, &[0u8; 6]));
        for part in parts {
            let (name, data) = entries[part.entry];
            let bytes = &data[part.range.clone()];
            let mut flags = 0;
            if !part.first {
                flags |= LHD_SPLIT_BEFORE;
            }
            if !part.last {
                flags |= LHD_SPLIT_AFTER;
            }
            // Parts before the last carry their own CRC, the last one the
            // whole file's (what RAR writes and unrar checks).
            let crc = if part.last { crc32(data) } else { crc32(bytes) };
            vol.extend(rar4_file_header(name, bytes, data, crc, flags));
            vol.extend_from_slice(bytes);
        }
        let end = if v + 1 < count { EARC_NEXT_VOLUME } else { 0 };
        vol.extend(rar4_block(0x7b, 0x4000 | end, &[]));
        out.push(vol);
    }
    out
}

/// One piece of one entry inside one volume.
struct Part {
    entry: usize,
    range: std::ops::Range<usize>,
    first: bool,
    last: bool,
}

/// Lays the entries' data out one after the other and cuts the stream into
/// `volumes` volumes of about equal size, as `rar -v<size>` does: a volume
/// ends in the middle of a file, which continues at the start of the next.
fn split(entries: Entries, volumes: usize) -> Vec<Vec<Part>> {
    let volumes = volumes.max(1);
    let total: usize = entries.iter().map(|(_, d)| d.len()).sum();
    let cap = total.div_ceil(volumes).max(1);
    let mut out: Vec<Vec<Part>> = (0..volumes).map(|_| Vec::new()).collect();
    let (mut v, mut room) = (0usize, cap);
    for (entry, (_, data)) in entries.iter().enumerate() {
        let mut offset = 0;
        loop {
            if room == 0 && v + 1 < volumes {
                v += 1;
                room = cap;
            }
            let left = data.len() - offset;
            let take = if v + 1 == volumes {
                left
            } else {
                left.min(room)
            };
            out[v].push(Part {
                entry,
                range: offset..offset + take,
                first: offset == 0,
                last: offset + take == data.len(),
            });
            offset += take;
            room = room.saturating_sub(take);
            if offset == data.len() {
                break;
            }
        }
    }
    out.retain(|parts| !parts.is_empty());
    out
}

// ---------------------------------------------------------------- RAR v5

const RAR5_MARK: [u8; 8] = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];

fn vint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// One v5 header: CRC32 of (size + data), vint size, then the data (type,
/// flags, optional data size, type-specific fields).
fn rar5_header(kind: u64, flags: u64, data_size: Option<u64>, fields: &[u8]) -> Vec<u8> {
    let mut inner = vint(kind);
    let mut flags = flags;
    if data_size.is_some() {
        flags |= 0x0002;
    }
    inner.extend(vint(flags));
    if let Some(size) = data_size {
        inner.extend(vint(size));
    }
    inner.extend_from_slice(fields);
    let mut header = vint(inner.len() as u64);
    header.extend(inner);
    let mut out = crc32(&header).to_le_bytes().to_vec();
    out.extend(header);
    out
}

/// A RAR v5 archive (store method) split over `volumes` volumes
/// (`x.partN.rar`).
pub fn rar5(entries: Entries, volumes: usize) -> Vec<Vec<u8>> {
    let layout = split(entries, volumes);
    let count = layout.len();
    let mut out = Vec::new();
    for (v, parts) in layout.into_iter().enumerate() {
        let mut vol = RAR5_MARK.to_vec();
        let mut main_flags = 0u64;
        if count > 1 {
            main_flags |= 0x0001;
            if v > 0 {
                main_flags |= 0x0002;
            }
        }
        let mut main_fields = vint(main_flags);
        if v > 0 {
            main_fields.extend(vint(v as u64));
        }
        vol.extend(rar5_header(1, 0, None, &main_fields));
        for part in parts {
            let (name, data) = entries[part.entry];
            let bytes = &data[part.range.clone()];
            let mut block_flags = 0u64;
            if !part.first {
                block_flags |= 0x0008;
            }
            if !part.last {
                block_flags |= 0x0010;
            }
            let crc = if part.last { crc32(data) } else { crc32(bytes) };
            let mut fields = vint(0x0002 | 0x0004); // mtime and CRC32 present
            fields.extend(vint(data.len() as u64)); // unpacked size
            fields.extend(vint(0o100_644)); // attributes (Unix mode)
            fields.extend_from_slice(&1_700_000_000u32.to_le_bytes()); // mtime
            fields.extend_from_slice(&crc.to_le_bytes());
            fields.extend(vint(0)); // compression: v0, store
            fields.extend(vint(1)); // host OS: Unix
            fields.extend(vint(name.len() as u64));
            fields.extend_from_slice(name.as_bytes());
            vol.extend(rar5_header(
                2,
                block_flags,
                Some(bytes.len() as u64),
                &fields,
            ));
            vol.extend_from_slice(bytes);
        }
        let end_flags = if v + 1 < count { 0x0001 } else { 0 };
        vol.extend(rar5_header(5, 0, None, &vint(end_flags)));
        out.push(vol);
    }
    out
}
