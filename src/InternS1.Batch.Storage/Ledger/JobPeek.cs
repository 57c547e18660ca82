namespace InternS1.Batch.Storage.Ledger;

/// <summary>A job's row as <see cref="JobLedger.PeekAsync"/> reads it, before a delivery starts it.</summary>
/// <param name="Status">The job's status.</param>
/// <param name="Crashes">Deliveries that started it in a worker that died before ending it.</param>
/// <param name="OpenElsewhere">A delivery of another worker instance started it and never ended: that worker died (or
/// runs the same job now), so the next start counts a crash.</param>
public sealed record JobPeek(string Status, int Crashes, bool OpenElsewhere)
{
    /// <summary>The job has crashed a worker before, or is about to be counted as having done so.</summary>
    public bool Suspect => Crashes > 0 || OpenElsewhere;
}
