namespace InternS1.Engine.Scheduling;

/// <summary>Admission order: higher priority first, then earlier arrival (a preempted sequence
/// keeps its arrival, so it goes back ahead of later ones of its priority).</summary>
internal sealed class WaitingOrder : IComparer<EngineSequence>
{
    public static readonly WaitingOrder Instance = new();

    public int Compare(EngineSequence? x, EngineSequence? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var byPriority = y.Request.Priority.CompareTo(x.Request.Priority);
        return byPriority != 0 ? byPriority : x.ArrivalOrder.CompareTo(y.ArrivalOrder);
    }
}
