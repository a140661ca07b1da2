package io.memolock.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The load runner's command line, parsed and checked.
 *
 * @param rounds measured rounds
 * @param scenarios the scenarios' names, in order
 * @param outDir where the results go, or "-" for nowhere
 * @param redisUri a Redis to use, or null to start one
 * @param timeLimitSeconds the time limit of one run
 * @param warmups unmeasured warm-up rounds
 * @param quick tiny sizes, one round, no warm-up
 * @param contenders the contenders
 * @param pool pool size of every client (0: Jedis's default)
 * @param autoRenew MemoLock's automatic lease renewal
 * @param cluster whether to run on a local Redis Cluster instead of one Redis
 * @param curves the scale curves to run after the rounds
 * @param points their sizes
 */
record Options(
    int rounds,
    List<String> scenarios,
    String outDir,
    String redisUri,
    long timeLimitSeconds,
    int warmups,
    boolean quick,
    List<Contender> contenders,
    int pool,
    boolean autoRenew,
    boolean cluster,
    List<ScaleCurves.Curve> curves,
    ScaleCurves.Points points) {

  static final String USAGE =
      """
      Usage: LoadRunner [--redis redis://HOST:PORT] [--rounds N] [--scenarios a,b,c] [--out-dir DIR]
                        [--time-limit-s S] [--warmup-rounds N] [--quick]

        --redis URI       use this Redis (default: start a private redis-server on a free port)
        --rounds N        measured rounds; each runs every contender once (default 3)
        --scenarios LIST  hot-hit,hot-hit-spread,cold-stampede,many-keys (default: all; "none" for
                          the scale curves alone)
        --out-dir DIR     where results-<date>.md goes (default docs/benchmarks; "-" for none)
        --time-limit-s S  time limit of one run (default 90)
        --contenders LIST memolock,cache-aside,lock-and-poll (default: all; for profiling one)
        --pool N          connection pool size of every client (default: Jedis's, 8); diagnostic
        --no-auto-renew   MemoLock without automatic lease renewal; diagnostic
        --warmup-rounds N unmeasured full-size rounds first, so the JIT has settled (default 3;
                          0 for none)
        --quick           tiny sizes, one round, no warm-up (a smoke test, not a measurement)
        --cluster         run on a local Redis Cluster (3 primaries + 3 replicas of redis-server,
                          started by this run) instead of one Redis
        --curves LIST     scale curves to run after the rounds, MemoLock only: instances,waiters,
                          keys (default: all; "none" for none)
        --curve-instances LIST  sizes of the instances curve (default 1,2,4,8,16)
        --curve-waiters LIST    callers on one key (default 1000,10000,100000)
        --curve-keys LIST       distinct keys (default 1000,10000,100000); with --quick the three
                          curves default to 1,2 / 100,1000 / 100,1000
      """;

  /**
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException on an unknown option or a value out of range
   */
  static Options parse(String[] args) {
    int rounds = 3;
    List<String> names = Scenarios.ALL.stream().map(Scenario::name).toList();
    String outDir = "docs/benchmarks";
    String redisUri = null;
    long limit = 90;
    int warmups = 3;
    boolean quick = false;
    List<Contender> contenders = List.of(Contender.values());
    int pool = 0;
    boolean autoRenew = true;
    boolean cluster = false;
    List<ScaleCurves.Curve> curves = List.of(ScaleCurves.Curve.values());
    java.util.Map<ScaleCurves.Curve, List<Integer>> sizes = new java.util.EnumMap<>(ScaleCurves.Curve.class);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
        case "--scenarios" -> {
          String list = value(args, ++i);
          names = list.equals("none") ? List.of() : List.of(list.split(","));
        }
        case "--out-dir" -> outDir = value(args, ++i);
        case "--redis" -> redisUri = value(args, ++i);
        case "--time-limit-s" -> limit = Long.parseLong(value(args, ++i));
        case "--warmup-rounds" -> warmups = Integer.parseInt(value(args, ++i));
        case "--pool" -> pool = Integer.parseInt(value(args, ++i));
        case "--no-auto-renew" -> autoRenew = false;
        case "--contenders" ->
            contenders =
                Arrays.stream(value(args, ++i).split(","))
                    .map(c -> Contender.valueOf(c.strip().toUpperCase(Locale.ROOT).replace('-', '_')))
                    .toList();
        case "--quick" -> quick = true;
        case "--cluster" -> cluster = true;
        case "--curves" -> {
          String list = value(args, ++i);
          curves = list.equals("none") ? List.of()
              : Arrays.stream(list.split(",")).map(ScaleCurves.Curve::named).toList();
        }
        case "--curve-instances" -> sizes.put(ScaleCurves.Curve.INSTANCES, ints(value(args, ++i)));
        case "--curve-waiters" -> sizes.put(ScaleCurves.Curve.WAITERS, ints(value(args, ++i)));
        case "--curve-keys" -> sizes.put(ScaleCurves.Curve.KEYS, ints(value(args, ++i)));
        case "" -> {}
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 1 || rounds > 20 || warmups < 0 || warmups > 10 || limit < 1 || limit > 3_600) {
      throw new IllegalArgumentException(
          "--rounds must be 1..20, --warmup-rounds 0..10 and --time-limit-s 1..3600");
    }
    if (quick) {
      rounds = 1;
      warmups = 0;
    }
    names.forEach(Scenarios::named); // fails fast on an unknown name
    ScaleCurves.Points points = quick ? ScaleCurves.Points.QUICK : ScaleCurves.Points.FULL;
    for (var e : sizes.entrySet()) {
      points = points.with(e.getKey(), e.getValue());
    }
    if (cluster && redisUri != null) {
      throw new IllegalArgumentException("--cluster starts its own cluster: no --redis with it");
    }
    return new Options(rounds, names, outDir, redisUri, limit, warmups, quick, contenders, pool,
        autoRenew, cluster, curves, points);
  }

  private static List<Integer> ints(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).map(Integer::parseInt).toList();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
