using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Requests;
using InternS1.Text.Parsing;

namespace InternS1.Batch.Worker.Execution;

/// <summary>
/// The production <see cref="IPromptJobExecutor"/>: prepare (template, media, token ids) -> generate
/// on the continuous-batching engine -> parse (reasoning, content, tool calls) -> account tokens.
/// Bad input comes back as <see cref="JobOutcome.Rejected"/>; an engine failure of the request is
/// thrown as <see cref="TransientJobException"/> (retried, then dead-lettered); a request the engine
/// aborted (shutdown) is thrown as <see cref="OperationCanceledException"/> so the message is handed back.
/// </summary>
public sealed class EngineJobExecutor(IGenerationEngine engine, JobPreparer preparer, ModelPromptAssets assets, string modelName) : IPromptJobExecutor
{
    public async Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        // 1. Prepare: a job that cannot be prepared is a dead letter, never a retry.
        PreparedJob prepared;
        try
        {
            prepared = await preparer.PrepareAsync(job, cancellationToken);
        }
        catch (JobPreparationException e)
        {
            return new JobOutcome.Rejected(e.ReasonCode, e.Message);
        }

        // 2. Generate (the prepared job holds its decoded media's share of the memory budget until it ends).
        EngineResult result;
        using (prepared)
        {
            try
            {
                result = await engine.GenerateAsync(prepared.Request, cancellationToken);
            }
            catch (RequestRejectedException e)
            {
                return new JobOutcome.Rejected(EngineRejections.ToFailureReason(e.Reason), e.Message);
            }
        }

        return new JobOutcome.Completed(ToCompletion(job, prepared, result));
    }

    /// <summary>
    /// The completion of a generated job: an aborted request (shutdown) throws <see cref="OperationCanceledException"/>,
    /// an engine failure <see cref="TransientJobException"/>; otherwise the output is parsed (reasoning, content, tool
    /// calls) and its tokens accounted. The one place a result becomes a <see cref="JobCompletion"/>, for jobs and for
    /// the interactive requests of the serve endpoint alike.
    /// </summary>
    public JobCompletion ToCompletion(SubmitPromptJob job, PreparedJob prepared, EngineResult result)
    {
        switch (result.FinishReason)
        {
            case FinishReason.Aborted:
                throw new OperationCanceledException($"job {job.JobId} was aborted by the engine (shutting down); the message is handed back");
            case FinishReason.Error:
                throw new TransientJobException($"the engine failed on job {job.JobId}: {result.Error}");
        }

        // 3. Parse the output (special tokens kept in OutputText) and account tokens.
        var parsed = CompletionParser.Parse(result.OutputText, prepared.ThinkingEnabled, result.FinishReason == FinishReason.Length);
        var finishReason = result.FinishReason switch
        {
            FinishReason.Deadline => "deadline",
            FinishReason.Length => "length",
            _ => parsed.FinishReason,
        };
        return new JobCompletion
        {
            Content = parsed.Content,
            ReasoningContent = parsed.ReasoningContent,
            ToolCalls = parsed.ToolCalls
                .Select(c => new ToolCall { Id = c.Id, Function = new FunctionCall { Name = c.Name, Arguments = c.ArgumentsJson } })
                .ToList(),
            FinishReason = finishReason,
            Usage = new TokenUsageInfo
            {
                PromptTokens = result.NumPromptTokens,
                ImageTokens = prepared.ImageTokens,
                VideoTokens = prepared.VideoTokens,
                CachedTokens = result.NumCachedTokens,
                CompletionTokens = result.OutputTokenIds.Count,
                ReasoningTokens = CompletionParser.CountReasoningTokens(result.OutputTokenIds, assets.ThinkEndTokenId, prepared.ThinkingEnabled),
            },
            Model = modelName,
            Seed = prepared.Request.Sampling.Seed,
            QueueTime = result.QueueTime,
            PrefillTime = result.PrefillTime,
            DecodeTime = result.DecodeTime,
        };
    }
}
