/**
 * The checksums S3 computes over object bodies: CRC32, CRC32C, CRC64NVME,
 * SHA-1 and SHA-256, each digested as base64 of its big-endian bytes, as
 * the `x-amz-checksum-*` headers carry them.
 *
 * CRC32 comes from zlib (native). CRC32C and CRC64NVME use slicing-by-8
 * tables: eight table lookups per eight bytes instead of one per byte.
 * CRC64 is kept as two 32-bit halves, since BigInt per byte is far too slow.
 */
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";

export interface Checksum {
  update(data: Buffer): void;
  /** Base64 of the digest's big-endian bytes. */
  digest(): string;
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case "CRC32":
      return crc32();
    case "CRC32C":
      return crc32c();
    case "CRC64NVME":
      return crc64nvme();
    case "SHA1":
      return hash("sha1");
    case "SHA256":
      return hash("sha256");
  }
}

function hash(name: string): Checksum {
  const h = createHash(name);
  return { update: (data) => void h.update(data), digest: () => h.digest("base64") };
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString("base64");
}

// ── CRC32 (IEEE) ──────────────────────────────────────────────────────

const nativeCrc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;

function crc32(): Checksum {
  if (nativeCrc32) {
    let crc = 0;
    return { update: (data) => void (crc = nativeCrc32(data, crc)), digest: () => uint32Base64(crc) };
  }
  return reflected32(IEEE_TABLES);
}

// ── CRC32C (Castagnoli) ───────────────────────────────────────────────

function crc32c(): Checksum {
  return reflected32(CASTAGNOLI_TABLES);
}

/** Slicing-by-8 tables of a reflected 32-bit CRC polynomial. */
function tables32(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t]![n] = (tables[0]![tables[t - 1]![n]! & 0xff]! ^ (tables[t - 1]![n]! >>> 8)) >>> 0;
  }
  return tables;
}

const IEEE_TABLES = tables32(0xedb88320);
const CASTAGNOLI_TABLES = tables32(0x82f63b78);

function reflected32(tables: Uint32Array[]): Checksum {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = tables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let crc = 0xffffffff;
  return {
    update(data) {
      let c = crc;
      let i = 0;
      const fast = data.length - (data.length % 8);
      for (; i < fast; i += 8) {
        const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
        c =
          t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
          t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
      }
      for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
      crc = c >>> 0;
    },
    digest: () => uint32Base64(~crc),
  };
}

// ── CRC64NVME ─────────────────────────────────────────────────────────

/** Slicing-by-8 tables of CRC-64/NVME (reflected 0x9A6C9329AC4BC9B5), as [hi, lo] 32-bit halves. */
const CRC64_TABLES = ((): { hi: Uint32Array; lo: Uint32Array }[] => {
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  const tables = Array.from({ length: 8 }, () => ({ hi: new Uint32Array(256), lo: new Uint32Array(256) }));
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    tables[0]!.hi[n] = hi;
    tables[0]!.lo[n] = lo;
  }
  for (let t = 1; t < 8; t++) {
    const prev = tables[t - 1]!;
    for (let n = 0; n < 256; n++) {
      // next[n] = prev[n] >> 8 ^ table0[prev[n] & 0xff]
      const hi = prev.hi[n]!;
      const lo = prev.lo[n]!;
      const idx = lo & 0xff;
      tables[t]!.hi[n] = ((hi >>> 8) ^ tables[0]!.hi[idx]!) >>> 0;
      tables[t]!.lo[n] = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ tables[0]!.lo[idx]!) >>> 0;
    }
  }
  return tables;
})();

/** The tables as plain locals: a property lookup per table per 8 bytes would cost a third of the loop. */
const [H0, H1, H2, H3, H4, H5, H6, H7] = CRC64_TABLES.map((t) => t.hi) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
const [L0, L1, L2, L3, L4, L5, L6, L7] = CRC64_TABLES.map((t) => t.lo) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

function crc64nvme(): Checksum {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  return {
    update(data) {
      let h = hi;
      let l = lo;
      let i = 0;
      const fast = data.length - (data.length % 8);
      for (; i < fast; i += 8) {
        const a = (l ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
        const b = (h ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24))) >>> 0;
        const i7 = a & 0xff, i6 = (a >>> 8) & 0xff, i5 = (a >>> 16) & 0xff, i4 = a >>> 24;
        const i3 = b & 0xff, i2 = (b >>> 8) & 0xff, i1 = (b >>> 16) & 0xff, i0 = b >>> 24;
        h = H7[i7]! ^ H6[i6]! ^ H5[i5]! ^ H4[i4]! ^ H3[i3]! ^ H2[i2]! ^ H1[i1]! ^ H0[i0]!;
        l = L7[i7]! ^ L6[i6]! ^ L5[i5]! ^ L4[i4]! ^ L3[i3]! ^ L2[i2]! ^ L1[i1]! ^ L0[i0]!;
      }
      for (; i < data.length; i++) {
        const idx = (l ^ data[i]!) & 0xff;
        l = (((l >>> 8) | ((h & 0xff) << 24)) ^ L0[idx]!) >>> 0;
        h = ((h >>> 8) ^ H0[idx]!) >>> 0;
      }
      hi = h >>> 0;
      lo = l >>> 0;
    },
    digest() {
      const out = Buffer.alloc(8);
      out.writeUInt32BE(~hi >>> 0, 0);
      out.writeUInt32BE(~lo >>> 0, 4);
      return out.toString("base64");
    },
  };
}
