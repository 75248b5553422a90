import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addNumbers,
  canonicalNumber,
  compareNumbers,
  compareValues,
  decodeKeyValue,
  encodeKeyValue,
  itemSize,
  subtractNumbers,
  validateItem,
  validateItemValue,
  valueSize,
  valuesEqual,
  type AttributeValue,
} from "./values.js";

function throwsValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.equal((e as { code?: string }).code, "ValidationException");
    assert.equal(e.message, message);
    return true;
  });
}

const OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";
const UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
const PRECISION = "Attempting to store more than 38 significant digits in a Number";

describe("canonicalNumber", () => {
  const cases: [string, string][] = [
    ["1", "1"],
    ["1.0", "1"],
    ["-0", "0"],
    ["-0.000", "0"],
    ["01", "1"],
    ["+5", "5"],
    ["1e2", "100"],
    ["1E+2", "100"],
    ["1.5e-3", "0.0015"],
    ["123.4500e-2", "1.2345"],
    [".5", "0.5"],
    ["5.", "5"],
    ["-12.340", "-12.34"],
    ["0.0", "0"],
    ["1E-130", "0." + "0".repeat(129) + "1"],
    ["9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0".repeat(88)],
    ["12345678901234567890123456789012345678", "12345678901234567890123456789012345678"],
    ["0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678"],
    ["1000000000000000000000000000000000000000000", "1000000000000000000000000000000000000000000"],
    ["0e999999999999", "0"],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected.length > 40 ? expected.slice(0, 20) + "…" : expected}`, () => assert.equal(canonicalNumber(input), expected));
  }

  const errors: [string, string][] = [
    ["", "The parameter cannot be converted to a numeric value"],
    ["abc", "The parameter cannot be converted to a numeric value: abc"],
    ["1.2.3", "The parameter cannot be converted to a numeric value: 1.2.3"],
    ["0x10", "The parameter cannot be converted to a numeric value: 0x10"],
    ["1e", "The parameter cannot be converted to a numeric value: 1e"],
    ["NaN", "The parameter cannot be converted to a numeric value: NaN"],
    ["Infinity", "The parameter cannot be converted to a numeric value: Infinity"],
    [" 1", "The parameter cannot be converted to a numeric value:  1"],
    ["-", "The parameter cannot be converted to a numeric value: -"],
    ["1E+126", OVERFLOW],
    ["-1E+126", OVERFLOW],
    ["1E-131", UNDERFLOW],
    ["1e999999999999999", OVERFLOW],
    ["123456789012345678901234567890123456789", PRECISION],
    ["1.23456789012345678901234567890123456789", PRECISION],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${JSON.stringify(input)}`, () => throwsValidation(() => canonicalNumber(input), message));
  }
});

describe("number arithmetic is exact", () => {
  const sums: [string, string, string][] = [
    ["0.1", "0.2", "0.3"],
    ["1", "-1", "0"],
    ["-5", "3", "-2"],
    ["99999999999999999999999999999999999999", "0", "99999999999999999999999999999999999999"],
    ["1E+100", "1E+100", "2" + "0".repeat(100)],
    ["1.5", "1.5", "3"],
    ["-0.001", "-0.009", "-0.01"],
    ["12345678901234567890", "0.5", "12345678901234567890.5"],
  ];
  for (const [a, b, expected] of sums) it(`${a} + ${b}`, () => assert.equal(addNumbers(a, b), expected));

  const differences: [string, string, string][] = [
    ["0.3", "0.1", "0.2"],
    ["1", "2", "-1"],
    ["-1", "-1", "0"],
    ["100", "0.01", "99.99"],
  ];
  for (const [a, b, expected] of differences) it(`${a} - ${b}`, () => assert.equal(subtractNumbers(a, b), expected));

  it("refuses a sum needing more than 38 digits", () =>
    throwsValidation(() => addNumbers("1E+100", "1"), "Number overflow. Attempting to store a number with magnitude larger than supported range"));
  it("refuses a sum out of range", () =>
    throwsValidation(() => addNumbers("9.9999999999999999999999999999999999999E+125", "9.9999999999999999999999999999999999999E+125"), OVERFLOW));
});

describe("ordering", () => {
  const ascending = ["-1E+125", "-100", "-10", "-9.99", "-1", "-0.51", "-0.5", "-1E-130", "0", "1E-130", "0.001", "0.5", "0.51", "1", "2", "10", "11", "99", "100", "1E+125"];
  it("compareNumbers orders numerically across signs and exponents", () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        assert.equal(compareNumbers(canonicalNumber(ascending[i]), canonicalNumber(ascending[j])), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
      }
    }
  });
  it("compareValues orders strings by UTF-8 bytes", () => {
    // U+FF61 (ef bd a1) before U+1F600 (f0 9f 98 80) in UTF-8, though its UTF-16 unit is larger than the surrogate d83d.
    assert.equal(compareValues({ S: "\uff61" }, { S: "😀" }), -1);
    // U+E000 (ee 80 80) sorts before U+1F600 (f0…) in UTF-8, but after its surrogates (d83d) in UTF-16.
    assert.equal(compareValues({ S: "\ue000" }, { S: "😀" }), -1);
    assert.equal(compareValues({ S: "a" }, { S: "ab" }), -1);
    assert.equal(compareValues({ S: "b" }, { S: "ab" }), 1);
    assert.equal(compareValues({ S: "Z" }, { S: "a" }), -1);
    assert.equal(compareValues({ S: "x" }, { S: "x" }), 0);
  });
  it("compareValues orders binaries bytewise", () => {
    assert.equal(compareValues({ B: Buffer.from([1, 2]) }, { B: Buffer.from([1, 3]) }), -1);
    assert.equal(compareValues({ B: Buffer.from([255]) }, { B: Buffer.from([1, 0]) }), 1);
    assert.equal(compareValues({ B: Buffer.from([1]) }, { B: Buffer.from([1, 0]) }), -1);
  });
  it("compareValues is undefined across types and for unordered types", () => {
    assert.equal(compareValues({ S: "1" }, { N: "1" }), undefined);
    assert.equal(compareValues({ BOOL: true }, { BOOL: true }), undefined);
    assert.equal(compareValues({ SS: ["a"] }, { SS: ["a"] }), undefined);
  });
});

describe("valuesEqual", () => {
  const equal: [AttributeValue, AttributeValue][] = [
    [{ S: "a" }, { S: "a" }],
    [{ N: "1" }, { N: "1.0" }],
    [{ B: Buffer.from("ab") }, { B: new Uint8Array([97, 98]) }],
    [{ BOOL: false }, { BOOL: false }],
    [{ NULL: true }, { NULL: true }],
    [{ SS: ["a", "b"] }, { SS: ["b", "a"] }],
    [{ NS: ["1", "2"] }, { NS: ["2", "1.0"] }],
    [{ BS: [Buffer.from("a"), Buffer.from("b")] }, { BS: [Buffer.from("b"), Buffer.from("a")] }],
    [{ M: { a: { S: "x" }, b: { L: [{ N: "1" }] } } }, { M: { b: { L: [{ N: "1" }] }, a: { S: "x" } } }],
    [{ L: [{ S: "a" }, { N: "2" }] }, { L: [{ S: "a" }, { N: "2" }] }],
  ];
  for (const [a, b] of equal) it(`${JSON.stringify(a)} = ${JSON.stringify(b)}`, () => assert.equal(valuesEqual(a, b), true));
  const unequal: [AttributeValue, AttributeValue][] = [
    [{ S: "a" }, { S: "b" }],
    [{ S: "1" }, { N: "1" }],
    [{ SS: ["a"] }, { SS: ["a", "b"] }],
    [{ L: [{ S: "a" }, { S: "b" }] }, { L: [{ S: "b" }, { S: "a" }] }],
    [{ M: { a: { S: "x" } } }, { M: { a: { S: "x" }, b: { S: "y" } } }],
    [{ M: { a: { S: "x" } } }, { M: { b: { S: "x" } } }],
    [{ BOOL: true }, { BOOL: false }],
    [{ NULL: true }, { BOOL: false }],
  ];
  for (const [a, b] of unequal) it(`${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`, () => assert.equal(valuesEqual(a, b), false));
  it("does not see Object.prototype members as map keys", () =>
    assert.equal(valuesEqual({ M: { constructor: { S: "x" } } }, { M: { toString: { S: "x" } } }), false));
});

describe("sizes", () => {
  const cases: [AttributeValue, number][] = [
    [{ S: "abc" }, 3],
    [{ S: "é" }, 2],
    [{ S: "" }, 0],
    [{ B: Buffer.from([1, 2, 3]) }, 3],
    [{ BOOL: true }, 1],
    [{ NULL: true }, 1],
    [{ N: "0" }, 1],
    [{ N: "1" }, 2],
    [{ N: "12" }, 2],
    [{ N: "123" }, 3],
    [{ N: "1234" }, 3],
    [{ N: "0.1" }, 2],
    [{ N: "1.1" }, 3],
    [{ N: "12345678901234567890123456789012345678" }, 20],
    [{ L: [] }, 3],
    [{ M: {} }, 3],
    [{ L: [{ S: "ab" }, { BOOL: true }] }, 3 + 1 + 2 + 1 + 1],
    [{ M: { ab: { S: "xyz" } } }, 3 + 1 + 2 + 3],
    [{ SS: ["a", "bc"] }, 3],
    [{ NS: ["1", "123"] }, 5],
    [{ BS: [Buffer.from([1]), Buffer.from([1, 2])] }, 3],
  ];
  for (const [value, size] of cases) it(`${JSON.stringify(value)} is ${size} bytes`, () => assert.equal(valueSize(value), size));
  it("counts attribute names in item size", () => assert.equal(itemSize({ id: { S: "abc" }, n: { N: "1" } }), 2 + 3 + 1 + 2));
});

describe("validateItemValue", () => {
  const errors: [AttributeValue, string][] = [
    [{ SS: [] }, "One or more parameter values were invalid: An string set  may not be empty"],
    [{ NS: [] }, "One or more parameter values were invalid: An number set  may not be empty"],
    [{ BS: [] }, "One or more parameter values were invalid: Binary sets should not be empty"],
    [{ SS: ["a", "a"] }, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."],
    [{ NS: ["1", "1.0"] }, "Input collection contains duplicates"],
    [{ BS: [Buffer.from("a"), Buffer.from("a")] }, "One or more parameter values were invalid: Input collection [YQ==, YQ==]of type BS contains duplicates."],
    [{ N: "x" }, "The parameter cannot be converted to a numeric value: x"],
    [{ NS: ["1", "y"] }, "The parameter cannot be converted to a numeric value: y"],
    [{ M: { a: { L: [{ SS: [] }] } } }, "One or more parameter values were invalid: An string set  may not be empty"],
  ];
  for (const [value, message] of errors) it(`refuses ${JSON.stringify(value)}`, () => throwsValidation(() => validateItemValue(value), message));
  it("takes NULL false as NULL true, as DynamoDB does since mid-2026", () => assert.deepEqual(validateItemValue({ NULL: false as unknown as true }), { NULL: true }));

  it("canonicalises numbers deep inside, without touching the input", () => {
    const input: AttributeValue = { M: { a: { N: "1.0" }, b: { L: [{ NS: ["01", "2"] }] }, c: { S: "x" } } };
    const copy = structuredClone(input);
    assert.deepEqual(validateItemValue(input), { M: { a: { N: "1" }, b: { L: [{ NS: ["1", "2"] }] }, c: { S: "x" } } });
    assert.deepEqual(input, copy);
  });
  it("returns the same object when nothing changes", () => {
    const item = { a: { S: "x" }, b: { N: "1" } };
    assert.equal(validateItem(item), item);
  });
});

describe("key encoding", () => {
  it("orders numbers as numbers", () => {
    const numbers = ["-9.9999999999999999999999999999999999999E+125", "-1E+20", "-100", "-99", "-10.5", "-10", "-1.01", "-1", "-0.99", "-0.1", "-1E-130", "0", "1E-130", "0.000123", "0.1", "0.12", "0.2", "1", "1.5", "2", "9", "10", "10.01", "11", "99", "100", "101", "1000", "123456789012345678901234567890123456.78", "1E+125", "9.9999999999999999999999999999999999999E+125"];
    const encoded = numbers.map((n) => encodeKeyValue({ N: canonicalNumber(n) }));
    for (let i = 1; i < encoded.length; i++) {
      assert.equal(Buffer.compare(encoded[i - 1], encoded[i]), -1, `${numbers[i - 1]} < ${numbers[i]}`);
    }
    numbers.forEach((n, i) => {
      const { value, end } = decodeKeyValue(encoded[i], "N");
      assert.deepEqual(value, { N: canonicalNumber(n) });
      assert.equal(end, encoded[i].length);
    });
  });
  it("orders strings by UTF-8 bytes, prefixes first, NUL bytes kept", () => {
    const strings = ["", "\u0000", "\u0000\u0000", "\u0000a", "a", "a\u0000", "a\u0000b", "ab", "b", "é", "\uffff", "😀"];
    const encoded = strings.map((s) => encodeKeyValue({ S: s }));
    for (let i = 1; i < encoded.length; i++) assert.equal(Buffer.compare(encoded[i - 1], encoded[i]), -1, JSON.stringify([strings[i - 1], strings[i]]));
    strings.forEach((s, i) => assert.deepEqual(decodeKeyValue(encoded[i], "S").value, { S: s }));
  });
  it("orders binaries bytewise and decodes them", () => {
    const blobs = [[], [0], [0, 0], [0, 1], [1], [1, 0], [255], [255, 255]].map((b) => Buffer.from(b));
    const encoded = blobs.map((b) => encodeKeyValue({ B: b }));
    for (let i = 1; i < encoded.length; i++) assert.equal(Buffer.compare(encoded[i - 1], encoded[i]), -1);
    blobs.forEach((b, i) => assert.deepEqual(decodeKeyValue(encoded[i], "B").value, { B: b }));
  });
  it("is self-delimiting: hash then range can be concatenated and read back", () => {
    const hash = encodeKeyValue({ S: "user\u00001" });
    const range = encodeKeyValue({ N: "-12.5" });
    const both = Buffer.concat([hash, range]);
    const first = decodeKeyValue(both, "S");
    assert.deepEqual(first.value, { S: "user\u00001" });
    const second = decodeKeyValue(both, "N", first.end);
    assert.deepEqual(second.value, { N: "-12.5" });
    assert.equal(second.end, both.length);
  });
  it("keeps composite keys grouped by hash, ordered by range", () => {
    const key = (h: string, r: string) => Buffer.concat([encodeKeyValue({ S: h }), encodeKeyValue({ N: r })]);
    const ordered = [key("a", "-1"), key("a", "2"), key("a", "10"), key("ab", "-5"), key("b", "0")];
    for (let i = 1; i < ordered.length; i++) assert.equal(Buffer.compare(ordered[i - 1], ordered[i]), -1);
  });
});
