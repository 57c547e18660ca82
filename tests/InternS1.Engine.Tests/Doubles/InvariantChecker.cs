using InternS1.Engine.Core;
using InternS1.Engine.Execution;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>
/// Checks the engine's state against the step about to run (called before every Execute): token
/// and sequence budgets, block ids inside the pool, reference count of every block = number of
/// block tables holding it, free queue = unreferenced blocks, and no step writes into a block that
/// another live request also holds. Findings go to <see cref="PatternRunner.Violations"/>.
/// </summary>
public static class InvariantChecker
{
    public static void Check(EngineCore core, PatternRunner runner, SchedulerOutput s)
    {
        var config = core.Config;
        var pool = core.Scheduler.KvCache.Pool;
        void Fail(string m) { lock (runner.Violations) runner.Violations.Add($"step {s.StepId}: {m}"); }

        if (s.TotalScheduledTokens > config.MaxNumBatchedTokens) Fail($"{s.TotalScheduledTokens} tokens > budget {config.MaxNumBatchedTokens}");
        if (s.Requests.Count > config.MaxNumSeqs) Fail($"{s.Requests.Count} sequences > max {config.MaxNumSeqs}");
        if (s.Requests.Select(r => r.RequestId).Distinct().Count() != s.Requests.Count) Fail("a request is scheduled twice");
        if (s.Requests.Any(r => r.TokenIds.Count == 0)) Fail("a request is scheduled with no tokens");
        if (s.FinishedRequestIds.Intersect(s.Requests.Select(r => r.RequestId)).Any()) Fail("a finished id is also scheduled");

        var tables = core.Scheduler.KvCache.BlockTables();
        var holders = new int[pool.NumBlocks];
        foreach (var (_, table) in tables)
        {
            foreach (var b in table)
            {
                if (b < 0 || b >= pool.NumBlocks) Fail($"block {b} outside the pool of {pool.NumBlocks}");
                else holders[b]++;
            }
        }
        var free = pool.FreeQueue.BlockIds().ToHashSet();
        for (var b = 0; b < pool.NumBlocks; b++)
        {
            if (pool[b].RefCount != holders[b]) Fail($"block {b}: ref count {pool[b].RefCount} but {holders[b]} tables hold it");
            if ((pool[b].RefCount == 0) != free.Contains(b)) Fail($"block {b}: ref count {pool[b].RefCount} but free = {free.Contains(b)}");
        }
        if (pool.NumUsedBlocks > pool.NumBlocks) Fail("more blocks used than exist");

        foreach (var r in s.Requests)
        {
            if (!tables.TryGetValue(r.RequestId, out var table) || !table.SequenceEqual(r.BlockTable))
                Fail($"{r.RequestId}: block table in the step differs from the manager's");
            var bs = config.BlockSize;
            for (var i = r.StartPosition / bs; i <= (r.StartPosition + r.TokenIds.Count - 1) / bs && i < r.BlockTable.Count; i++)
            {
                if (pool[r.BlockTable[i]].RefCount != 1) Fail($"{r.RequestId}: writes into shared block {r.BlockTable[i]} (ref {pool[r.BlockTable[i]].RefCount})");
            }
        }
    }
}
