namespace InternS1.Engine.Execution;

/// <summary>
/// Runs the model on what the scheduler chose for one step (vLLM v1's <c>ModelRunner</c> seam).
/// The runner reads nothing but the <see cref="SchedulerOutput"/>; the KV cache is a pool of
/// fixed-size blocks that the runner allocates once and addresses through each request's block
/// table. Only the engine thread calls it.
/// </summary>
public interface IModelRunner : IDisposable
{
    ModelRunnerInfo Info { get; }

    /// <summary>Allocates the KV pool: <paramref name="numBlocks"/> blocks of
    /// <paramref name="blockSize"/> token slots, for every layer, K and V.</summary>
    void InitializeKvCache(int numBlocks, int blockSize);

    /// <summary>Computes the scheduled tokens of every request (writing their K/V into the blocks of
    /// the request's block table) and samples the next token of each request with
    /// <see cref="ScheduledRequest.Sample"/>. A failure confined to one request is reported in its
    /// <see cref="RequestOutput.Error"/>; an exception fails the whole step.</summary>
    ModelRunnerOutput Execute(SchedulerOutput schedule);
}
