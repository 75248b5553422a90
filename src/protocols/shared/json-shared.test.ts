import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keptDocumentBytes, shareJson, stringifyDocument } from "./json-shared.js";

describe("stringifyDocument", () => {
  it("writes what JSON.stringify writes, shared members or not", () => {
    const shared = shareJson({ a: { S: "x\"y" }, n: [1, { b: null }] });
    const documents: Record<string, unknown>[] = [
      {},
      { Item: shared },
      { Item: shared, Count: 1, Skipped: undefined, "we\"ird": "v" },
      { Before: [1, 2], Item: shared, After: { Item: shared } },
      { Plain: { a: 1 } },
    ];
    for (const document of documents) {
      assert.equal(stringifyDocument(document), JSON.stringify(document));
      assert.equal(stringifyDocument(document), JSON.stringify(document), "again, from the kept text");
    }
  });

  it("keeps the bytes of a document whose one member is shared, and only those", () => {
    const shared = shareJson({ a: { S: "é" } });
    const first = keptDocumentBytes({ Item: shared });
    assert.equal(first?.toString("utf8"), JSON.stringify({ Item: shared }));
    assert.equal(keptDocumentBytes({ Item: shared, Skipped: undefined }), first, "the same bytes, kept");
    assert.equal(keptDocumentBytes({ Other: shared })?.toString("utf8"), JSON.stringify({ Other: shared }));
    assert.equal(keptDocumentBytes({ Item: shared, Count: 1 }), undefined);
    assert.equal(keptDocumentBytes({ Item: { a: 1 } }), undefined);
  });

  it("freezes a shared value throughout, leaving buffers as they are", () => {
    const value = shareJson({ m: { l: [{ s: "x" }] }, b: Buffer.from([1]) });
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value.m) && Object.isFrozen(value.m.l) && Object.isFrozen(value.m.l[0]));
    assert.equal(Object.isFrozen(value.b), false);
  });
});
