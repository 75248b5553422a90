/**
 * S3's browser uploads (POST Object): a multipart/form-data body whose
 * fields, ahead of the file, carry the key, the policy and its signature.
 * Authentication reads those fields and hands on the file as the payload,
 * streaming; what follows the file is ignored, as S3 ignores it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { HeldBody, type RequestBody } from "../protocols/shared/body.js";
import { AwsError } from "../server/errors.js";

/** The form fields ahead of the file may take 20 KB together, boundaries and headers aside. */
export const MAX_PRE_DATA_BYTES = 20 * 1024;
/** A file sent as a plain field (no file name) is held in memory: up to this much of it. */
const MAX_FIELD_FILE_BYTES = 5 * 1024 * 1024;

export interface PostForm {
  /** Fields ahead of the file, by lower-cased name (the first of a repeated one), values as sent. */
  fields: ReadonlyMap<string, string>;
  /** Each field's name as sent, by lower-cased name (S3 names fields as sent in its errors). */
  names: ReadonlyMap<string, string>;
  /** The file part's file name, when it gave one. */
  filename?: string;
  /** Resolves once the whole body has been read: the number of file parts it held (never rejects). */
  files: Promise<number>;
}

export function isPostForm(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "POST" && /^multipart\/form-data/i.test(headers["content-type"] ?? "");
}

/** Reads the fields up to the file; the file itself is the returned body, still streaming. */
export async function readPostForm(headers: IncomingHttpHeaders, body: Readable): Promise<{ form: PostForm; file: RequestBody }> {
  const { default: busboy } = await import("busboy");
  let parser: ReturnType<typeof busboy>;
  try {
    // Field values come as Latin-1, one character a byte, so that a file sent as a plain
    // field keeps its bytes exactly; other fields are read back as the UTF-8 they are.
    parser = busboy({ headers, defCharset: "latin1", defParamCharset: "utf8", limits: { fieldSize: MAX_FIELD_FILE_BYTES } });
  } catch {
    throw malformedPost();
  }
  const fields = new Map<string, string>();
  const names = new Map<string, string>();
  let preData = 0;
  let fileCount = 0;
  let settled = false;
  let countFiles: (n: number) => void = () => {};
  const files = new Promise<number>((resolve) => (countFiles = resolve));

  return new Promise((resolve, reject) => {
    const fail = (error: AwsError) => {
      if (settled) return;
      settled = true;
      body.unpipe(parser);
      body.resume();
      reject(error);
    };
    const found = (file: RequestBody, filename?: string) => {
      settled = true;
      resolve({ form: { fields, names, filename, files }, file });
    };
    parser.on("field", (name: string | undefined, raw, info) => {
      if (settled) return;
      // A part without a name is no field S3 could read.
      if (!name) {
        fail(malformedPost());
        return;
      }
      const lower = name.toLowerCase();
      // The file sent without a file name ("file or text content"): the bytes as sent.
      if (lower === "file") {
        if (info.valueTruncated) {
          fail(new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { MaxSizeAllowed: MAX_FIELD_FILE_BYTES }));
          return;
        }
        fileCount++;
        found(new HeldBody(Buffer.from(raw, "latin1")));
        return;
      }
      addField(name, Buffer.from(raw, "latin1").toString("utf8"));
    });
    const addField = (name: string, value: string) => {
      const lower = name.toLowerCase();
      preData += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (preData > MAX_PRE_DATA_BYTES) {
        fail(new AwsError("MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.", 400, { MaxPostPreDataLengthBytes: MAX_PRE_DATA_BYTES }));
        return;
      }
      if (!fields.has(lower)) {
        fields.set(lower, value);
        names.set(lower, name);
      }
    };
    // Fields sent as files (a file name on every part, as `requests` sends `files=`) are fields still; the upload waits for them.
    const fieldFiles: Promise<void>[] = [];
    let fileSeen = false;
    parser.on("file", (name: string | undefined, stream, info) => {
      const isFile = (name ?? "").toLowerCase() === "file";
      if (settled || !isFile) {
        if (isFile) fileCount++;
        if (!settled && name) {
          fieldFiles.push(fieldFromFile(name, stream));
          return;
        }
        stream.resume();
        if (!settled && !name) fail(malformedPost());
        return;
      }
      fileCount++;
      fileSeen = true;
      // The form may end inside the file before anyone reads it; whoever reads it then meets the error.
      stream.on("error", () => {});
      if (fieldFiles.length === 0) found(stream, info.filename);
      else void Promise.all(fieldFiles).then(() => settled || found(stream, info.filename));
    });
    const fieldFromFile = (name: string, stream: Readable) =>
      new Promise<void>((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_PRE_DATA_BYTES) chunks.push(chunk);
        });
        stream.on("error", () => resolve());
        stream.on("end", () => {
          if (!settled) addField(name, Buffer.concat(chunks).toString("utf8"));
          resolve();
        });
      });
    parser.on("close", () => {
      countFiles(fileCount);
      if (!settled && !fileSeen) fail(new AwsError("InvalidArgument", "POST requires exactly one file upload per request.", 400, { ArgumentName: "file", ArgumentValue: "0" }));
    });
    parser.on("error", () => {
      countFiles(-1);
      fail(malformedPost());
    });
    body.on("error", () => parser.destroy());
    body.pipe(parser);
  });
}

export function malformedPost(): AwsError {
  return new AwsError("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", 400);
}
