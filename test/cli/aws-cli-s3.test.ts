/**
 * The AWS CLI (v1) against Nimbus, unchanged: `aws s3` high-level commands
 * and `aws s3api` calls, with --endpoint-url and with AWS_ENDPOINT_URL.
 * A service error exits 255 with CLI v1 (these machines) and 254 with v2.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCloud, tempDir, type TestCloud } from "../support/nimbus.js";
import { awsEnv, runTool, toolMissing, type ToolResult } from "../support/tools.js";

const skip = await toolMissing("aws", ["--version"]);

describe("AWS CLI: s3 and s3api", { skip }, () => {
  let t: TestCloud;
  let work: string;
  const aws = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<ToolResult> =>
    runTool("aws", ["--endpoint-url", t.cloud.endpoint, ...args], awsEnv(extraEnv));
  const ok = async (args: string[]): Promise<string> => {
    const result = await aws(args);
    assert.equal(result.code, 0, `aws ${args.join(" ")} failed:\n${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    t = await startCloud();
    work = await tempDir("nimbus-cli-");
  });
  after(() => t.stop());

  it("mb, cp up and down, ls", async () => {
    await ok(["s3", "mb", "s3://cli-bucket"]);
    const file = join(work, "hello.txt");
    await writeFile(file, "hello from the cli\n");
    await ok(["s3", "cp", file, "s3://cli-bucket/dir/hello world.txt"]);
    const listing = await ok(["s3", "ls", "s3://cli-bucket/dir/"]);
    assert.match(listing, /\s19 hello world\.txt\n/);
    const top = await ok(["s3", "ls", "s3://cli-bucket"]);
    assert.match(top, /PRE dir\//);
    const back = join(work, "back.txt");
    await ok(["s3", "cp", "s3://cli-bucket/dir/hello world.txt", back]);
    assert.equal(await readFile(back, "utf8"), "hello from the cli\n");
    const buckets = await ok(["s3", "ls"]);
    assert.match(buckets, /cli-bucket/);
  });

  it("uploads and downloads a large file with multipart", async () => {
    const big = randomBytes(20 * 1024 * 1024);
    const file = join(work, "big.bin");
    await writeFile(file, big);
    await ok(["s3", "cp", file, "s3://cli-bucket/big.bin"]);
    const head = JSON.parse(await ok(["s3api", "head-object", "--bucket", "cli-bucket", "--key", "big.bin"])) as { ContentLength: number; ETag: string };
    assert.equal(head.ContentLength, big.length);
    assert.match(head.ETag, /^"[0-9a-f]{32}-\d+"$/, "a multipart ETag");
    const back = join(work, "big.back");
    await ok(["s3", "cp", "s3://cli-bucket/big.bin", back]);
    assert.equal(createHash("sha256").update(await readFile(back)).digest("hex"), createHash("sha256").update(big).digest("hex"));
  });

  it("syncs a directory tree and syncs again without re-uploading", async () => {
    const tree = join(work, "tree");
    await mkdir(join(tree, "a", "b"), { recursive: true });
    await writeFile(join(tree, "one.txt"), "1");
    await writeFile(join(tree, "a", "two words.txt"), "22");
    await writeFile(join(tree, "a", "b", "ünïcode.txt"), "333");
    // sync re-uploads a file modified after its object: S3's LastModified has
    // whole seconds, so files written in the upload's own second would look
    // newer. Files made a minute earlier are what a user syncs.
    const earlier = new Date(Date.now() - 60_000);
    for (const file of ["one.txt", "a/two words.txt", "a/b/ünïcode.txt"]) await utimes(join(tree, file), earlier, earlier);
    const first = await ok(["s3", "sync", tree, "s3://cli-bucket/tree"]);
    assert.equal(first.match(/upload:/g)?.length, 3, first);
    const second = await ok(["s3", "sync", tree, "s3://cli-bucket/tree"]);
    assert.equal(second.trim(), "", "nothing changed, nothing uploaded");
    const listed = await ok(["s3", "ls", "--recursive", "s3://cli-bucket/tree/"]);
    for (const key of ["tree/one.txt", "tree/a/two words.txt", "tree/a/b/ünïcode.txt"]) assert.ok(listed.includes(key), `${key} in\n${listed}`);
    const down = join(work, "down");
    await ok(["s3", "sync", "s3://cli-bucket/tree", down]);
    assert.equal(await readFile(join(down, "a", "b", "ünïcode.txt"), "utf8"), "333");
  });

  it("s3api calls: put-object with metadata, tagging, list-objects-v2", async () => {
    const file = join(work, "meta.txt");
    await writeFile(file, "meta");
    const put = JSON.parse(
      await ok(["s3api", "put-object", "--bucket", "cli-bucket", "--key", "meta.txt", "--body", file, "--metadata", "color=blue", "--content-type", "text/plain"]),
    ) as { ETag: string };
    assert.equal(put.ETag, `"${createHash("md5").update("meta").digest("hex")}"`);
    const head = JSON.parse(await ok(["s3api", "head-object", "--bucket", "cli-bucket", "--key", "meta.txt"])) as { Metadata: Record<string, string>; ContentType: string };
    assert.deepEqual(head.Metadata, { color: "blue" });
    assert.equal(head.ContentType, "text/plain");
    await ok(["s3api", "put-object-tagging", "--bucket", "cli-bucket", "--key", "meta.txt", "--tagging", "TagSet=[{Key=env,Value=test}]"]);
    const tags = JSON.parse(await ok(["s3api", "get-object-tagging", "--bucket", "cli-bucket", "--key", "meta.txt"])) as { TagSet: unknown[] };
    assert.deepEqual(tags.TagSet, [{ Key: "env", Value: "test" }]);
    const list = JSON.parse(await ok(["s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "tree/", "--delimiter", "/"])) as {
      CommonPrefixes: { Prefix: string }[];
      Contents: { Key: string }[];
    };
    assert.deepEqual(list.CommonPrefixes, [{ Prefix: "tree/a/" }]);
    assert.deepEqual(list.Contents.map((c) => c.Key), ["tree/one.txt"]);
  });

  it("reports AWS errors the way the CLI expects", async () => {
    const missing = await aws(["s3api", "get-object", "--bucket", "cli-bucket", "--key", "nope", join(work, "nope")]);
    assert.ok(missing.code === 254 || missing.code === 255, `exit code ${missing.code}`);
    assert.match(missing.stderr, /\(NoSuchKey\) when calling the GetObject operation: The specified key does not exist\./);
    const noBucket = await aws(["s3api", "list-objects-v2", "--bucket", "no-such-bucket-cli"]);
    assert.notEqual(noBucket.code, 0);
    assert.match(noBucket.stderr, /\(NoSuchBucket\)/);
    const bad = await aws(["s3", "mb", "s3://Bad_Name"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidBucketName|Invalid bucket name/);
  });

  it("s3api list-directory-buckets lists none (botocore sends no x-id)", async () => {
    await ok(["s3", "mb", "s3://cli-general-bucket"]);
    assert.deepEqual(JSON.parse(await ok(["s3api", "list-directory-buckets"])), { Buckets: [] });
  });

  it("works with AWS_ENDPOINT_URL instead of --endpoint-url", async () => {
    const env = awsEnv({ AWS_ENDPOINT_URL: t.cloud.endpoint });
    const ls = await runTool("aws", ["s3", "ls", "s3://cli-bucket/dir/"], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /hello world\.txt/);
  });

  it("rm, recursive rm and rb", async () => {
    await ok(["s3", "rm", "s3://cli-bucket/meta.txt"]);
    const removed = await ok(["s3", "rm", "--recursive", "s3://cli-bucket/"]);
    assert.ok(removed.includes("delete: s3://cli-bucket/big.bin"), removed);
    assert.equal((await ok(["s3", "ls", "--recursive", "s3://cli-bucket/"])).trim(), "");
    await ok(["s3", "rb", "s3://cli-bucket"]);
    const gone = await aws(["s3api", "head-bucket", "--bucket", "cli-bucket"]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /404/);
  });
});
