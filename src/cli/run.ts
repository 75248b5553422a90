/** Entry point of the `nimbus` executable. */
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`nimbus: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
