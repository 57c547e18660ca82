namespace InternS1.Engine.Scheduling;

/// <summary>Where a sequence is in its life.</summary>
internal enum SequenceStatus
{
    /// <summary>Admitted, not holding KV blocks (new, or preempted and waiting to be recomputed).</summary>
    Waiting,
    /// <summary>Holding KV blocks and scheduled every step.</summary>
    Running,
    /// <summary>Ended; blocks released.</summary>
    Finished,
}
