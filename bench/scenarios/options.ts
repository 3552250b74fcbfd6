/** Command-line options every scenario receives (`npm run bench -- <scenario> [flags]`). */
export interface BenchOptions {
  /** `--quick`: tiny sizes, seconds each (CI). */
  quick: boolean;
  /** `--n <count>`: size override (messages, sessions, …; meaning per scenario). */
  n?: number;
  /** `--seconds <s>`: duration override (accept, deliver). */
  seconds?: number;
  /** `--rate <per second>`: injection rate override (deliver, soak). */
  rate?: number;
  /** `--minutes <m>`: soak duration. */
  minutes?: number;
  /** `--sizes 25,50,100`: session counts of `sessions`. */
  sizes?: number[];
  /** `--profile`: run Wharf under `node --cpu-prof` (accept) and summarise the top frames. */
  profile: boolean;
}

/** Parses the flags after the scenario name. */
export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { quick: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number`);
      return v;
    };
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--n':
        options.n = Math.round(number());
        break;
      case '--seconds':
        options.seconds = number();
        break;
      case '--rate':
        options.rate = number();
        break;
      case '--minutes':
        options.minutes = number();
        break;
      case '--sizes':
        options.sizes = value()
          .split(',')
          .map((s) => Number(s));
        if (options.sizes.some((s) => !Number.isInteger(s) || s <= 0))
          throw new Error('--sizes needs positive integers, e.g. 25,50,100');
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  return options;
}
