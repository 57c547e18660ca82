using System.Diagnostics;
using System.Runtime.CompilerServices;
using InternS1.Batch.Benchmarks.Worker;

namespace InternS1.Batch.Benchmarks.Tests;

/// <summary><see cref="BackgroundJit"/> against the runtime's own figures for this process: the background JIT thread's
/// CPU time is read, grows while the runtime recompiles methods at tier 1, and never exceeds the process's CPU time.</summary>
public sealed class BackgroundJitTests
{
    [Fact]
    public void The_background_jit_time_of_this_process_is_read_grows_with_tier_up_and_stays_within_the_process_cpu_time()
    {
        var before = BackgroundJit.Snapshot(Environment.ProcessId);
        Assert.NotNull(before);
        // many small methods called well over the tier-up threshold (30 calls) make the background thread recompile them
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var deadline = Stopwatch.StartNew();
        double? grown;
        do
        {
            TierUp.Run();
            Thread.Sleep(50);
            grown = BackgroundJit.SecondsBetween(before, BackgroundJit.Snapshot(Environment.ProcessId));
        }
        while (grown <= 0 && deadline.Elapsed < TimeSpan.FromSeconds(30));
        Assert.True(grown > 0, $"no background JIT time seen in 30 s (methods compiled {jitted} -> {System.Runtime.JitInfo.GetCompiledMethodCount()})");
        var total = BackgroundJit.SecondsBetween(new Dictionary<int, long>(), BackgroundJit.Snapshot(Environment.ProcessId));
        Assert.True(total <= Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + 0.01);
    }

    [Fact]
    public void Between_two_snapshots_threads_born_count_from_zero_and_threads_retired_are_left_out()
    {
        var before = new Dictionary<int, long> { [10] = 500, [11] = 40 };
        var after = new Dictionary<int, long> { [10] = 650, [12] = 30 };
        // thread 10: 1.5 s more; thread 12 (new): 0.3 s; thread 11 (retired): unknown, not counted
        Assert.Equal(1.8, BackgroundJit.SecondsBetween(before, after));
        Assert.Null(BackgroundJit.SecondsBetween(null, after));
    }

    [Fact]
    public void A_process_that_is_gone_has_no_figure()
    {
        using var exited = Process.Start("true")!;
        exited.WaitForExit();
        Assert.Null(BackgroundJit.Snapshot(exited.Id));
    }

    /// <summary>Generic methods instantiated over many value types: each instantiation is its own method to tier up.</summary>
    private static class TierUp
    {
        public static void Run()
        {
            for (var i = 0; i < 200; i++)
            {
                Sum<byte>(); Sum<sbyte>(); Sum<short>(); Sum<ushort>(); Sum<int>(); Sum<uint>(); Sum<long>(); Sum<ulong>();
                Sum<float>(); Sum<double>(); Sum<decimal>(); Sum<char>(); Sum<Half>(); Sum<Int128>(); Sum<UInt128>(); Sum<nint>();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Sum<T>() where T : struct
        {
            var total = 0;
            for (var i = 0; i < 8; i++) total += Unsafe.SizeOf<T>() * i;
            return total;
        }
    }
}
