namespace InternS1.Engine.Requests;

/// <summary>
/// The traffic class of a request, ranked above <see cref="EngineRequest.Priority"/>: the scheduler admits every
/// waiting <see cref="Interactive"/> request before any <see cref="Batch"/> one whatever their priorities, and when
/// the sequence budget or the KV cache is full it preempts batch sequences (recomputed later) to admit interactive
/// ones. Batch sequences never preempt interactive ones. Priority orders requests within a class.
/// </summary>
public enum SchedulingClass
{
    /// <summary>Queued work (jobs): takes whatever capacity interactive requests leave. The default.</summary>
    Batch = 0,

    /// <summary>A caller waiting on the answer (the OpenAI-compatible endpoint): never waits behind batch work.</summary>
    Interactive = 1,
}
