namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>Counts the naive consumer's commits (the baseline's progress, read while it runs).</summary>
internal sealed class NaiveCounter
{
    private long _saved;

    /// <summary>Commits so far.</summary>
    public long Count => Interlocked.Read(ref _saved);

    /// <summary>Notes one more commit; returns the new count.</summary>
    public long Saved() => Interlocked.Increment(ref _saved);
}
