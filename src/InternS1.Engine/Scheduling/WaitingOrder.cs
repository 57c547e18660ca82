namespace InternS1.Engine.Scheduling;

/// <summary>Admission order: interactive before batch, then higher priority first, then earlier arrival (a
/// preempted sequence keeps its arrival, so it goes back ahead of later ones of its class and priority).</summary>
internal sealed class WaitingOrder : IComparer<EngineSequence>
{
    public static readonly WaitingOrder Instance = new();

    public int Compare(EngineSequence? x, EngineSequence? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var byClass = y.Request.SchedulingClass.CompareTo(x.Request.SchedulingClass);
        if (byClass != 0) return byClass;
        var byPriority = y.Request.Priority.CompareTo(x.Request.Priority);
        return byPriority != 0 ? byPriority : x.ArrivalOrder.CompareTo(y.ArrivalOrder);
    }

    /// <summary>The running sequence to preempt first: batch before interactive, then the lowest priority, then
    /// the latest arrival (the reverse of admission).</summary>
    public static EngineSequence? Victim(IEnumerable<EngineSequence> running) =>
        running.OrderBy(s => s.Request.SchedulingClass).ThenBy(s => s.Request.Priority).ThenByDescending(s => s.ArrivalOrder).FirstOrDefault();
}
