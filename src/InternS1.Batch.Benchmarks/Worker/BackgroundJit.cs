using System.Globalization;

namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>
/// CPU time of the .NET runtime's background JIT thread (<c>.NET Tiered Compilation</c> worker, which recompiles hot
/// methods at tier 1) of a process, from <c>/proc/PID/task/TID/stat</c>. In a process that has run only a few hundred
/// jobs that thread is still busy: perf put 47% of the worker process's CPU in it during the first timed passes of the
/// tiny model, 9% five passes later, which is how the worker's early passes lose to the engine-only half.
/// </summary>
internal static class BackgroundJit
{
    // NOTE: the stat file truncates a thread's name to 15 characters.
    private const string ThreadName = ".NET Tiered Com";

    // NOTE: USER_HZ, the unit of utime and stime; 100 on every Linux build for x86-64 and arm64.
    private const double TicksPerSecond = 100;

    /// <summary>The process's background JIT threads now (thread id -> CPU ticks, user + system); null where /proc
    /// cannot be read (not Linux, or the process is gone).</summary>
    public static IReadOnlyDictionary<int, long>? Snapshot(int pid)
    {
        try
        {
            var threads = new Dictionary<int, long>();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (IOException) { continue; } // the thread ended meanwhile
                // pid (comm) state ppid ... : comm may hold spaces and parentheses, so split after the last ')'
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open || !stat[(open + 1)..close].StartsWith(ThreadName, StringComparison.Ordinal)) continue;
                var fields = stat[(close + 2)..].Split(' ');
                // fields[0] is field 3 (state): utime and stime are fields 14 and 15
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            return threads;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds the background JIT threads alive at <paramref name="after"/> used since
    /// <paramref name="before"/> (a thread born in between counts from 0). A thread that ended in between is not
    /// counted: the runtime retires an idle one after a few seconds and starts another when work comes, so the figure
    /// is a lower bound. Null when either snapshot is.</summary>
    public static double? SecondsBetween(IReadOnlyDictionary<int, long>? before, IReadOnlyDictionary<int, long>? after)
    {
        if (before is null || after is null) return null;
        var ticks = after.Sum(t => Math.Max(0, t.Value - before.GetValueOrDefault(t.Key)));
        return Math.Round(ticks / TicksPerSecond, 2);
    }
}
