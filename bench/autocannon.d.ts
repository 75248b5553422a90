/** The part of autocannon's API the benchmarks use (it ships no types). */
declare module "autocannon" {
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    connections?: number;
    duration?: number;
    pipelining?: number;
  }
  interface Stats {
    average: number;
    /** Sum over the run (requests and throughput). */
    total: number;
  }
  interface Result {
    requests: Stats;
    throughput: Stats;
    /** Seconds the run took. */
    duration: number;
    "2xx": number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
