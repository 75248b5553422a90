/** Checksum check values from the CRC catalogue ("123456789") and chunking invariance. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createChecksum, type ChecksumAlgorithm } from "../../src/util/checksums.js";

const hex = (algorithm: ChecksumAlgorithm, ...chunks: Buffer[]): string => {
  const c = createChecksum(algorithm);
  for (const chunk of chunks) c.update(chunk);
  return Buffer.from(c.digest(), "base64").toString("hex");
};

describe("checksums", () => {
  const check = Buffer.from("123456789");
  it("match the published check values", () => {
    assert.equal(hex("CRC32", check), "cbf43926");
    assert.equal(hex("CRC32C", check), "e3069283");
    assert.equal(hex("CRC64NVME", check), "ae8b14860a799888");
    assert.equal(hex("SHA1", check), "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
    assert.equal(hex("SHA256", check), "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
  });

  it("digest empty input as AWS does", () => {
    assert.equal(createChecksum("CRC32").digest(), "AAAAAA==");
    assert.equal(createChecksum("CRC64NVME").digest(), "AAAAAAAAAAA=");
  });

  it("do not depend on how the input is chunked", () => {
    const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 31) & 0xff));
    for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME"] as const) {
      assert.equal(hex(algorithm, data.subarray(0, 7), data.subarray(7, 4099), data.subarray(4099)), hex(algorithm, data), algorithm);
    }
  });
});
