using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Responses;
using InternS1.Batch.Remote.Telemetry;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Preparation;
using InternS1.Media;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Execution;

/// <summary>
/// The remote engine behind the worker's executor seam: a place in <see cref="RemoteAdmission"/>; the job's media
/// fetched and checked by our own intake and inlined (<see cref="RemoteRequestBuilder"/>); the chat completion
/// streamed from the best endpoint (<see cref="RemoteChatClient"/>: retries, back-pressure, balancing); the answer
/// verified and mapped (<see cref="RemoteCompletionMapper"/>). Outcomes:
/// <list type="bullet">
/// <item>media refused: the media reason codes of the local engine (<c>media_forbidden</c>, ...);</item>
/// <item>content the server flavor cannot take (video on LMDeploy): <c>unsupported_content</c>, naming the flavor;</item>
/// <item>the server refused the request (HTTP 400/404/413/422): <c>engine_rejected</c> with the server's message;</item>
/// <item>no usage in the answer: <c>engine_error</c> (the accounting cannot be kept);</item>
/// <item>the deadline passed while the server generated: <c>deadline_expired</c> (partial output is not kept);</item>
/// <item>transient faults that outlast the client's retries: <see cref="TransientJobException"/>, unless every endpoint
/// is down by then: the job waits for one to come back instead, spending no retry (an outage of any length
/// must not turn jobs into <c>retries_exhausted</c>; the intake is paused meanwhile);</item>
/// <item>cancellation (shutdown, intake stopped): <see cref="OperationCanceledException"/>, the message goes back.</item>
/// </list>
/// </summary>
public sealed class RemoteJobExecutor(
    RemoteChatClient client,
    RemoteRequestBuilder builder,
    RemoteAdmission admission,
    TimeProvider time,
    ILogger<RemoteJobExecutor> logger) : IPromptJobExecutor
{
    private EndpointPool Pool => client.Endpoints;

    public async Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        // 0. Video that no endpoint's flavor takes is refused before anything is downloaded.
        if (RemoteRequestBuilder.HasVideo(job) && VideoRefusal() is { } refusal)
            return new JobOutcome.Rejected(FailureReasons.UnsupportedContent, refusal);

        using var place = await admission.EnterAsync(cancellationToken).ConfigureAwait(false);

        // 1. Media and request (a job that cannot be prepared is a dead letter, never a retry).
        PreparedRemoteJob prepared;
        try
        {
            prepared = await builder.BuildAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaException e)
        {
            return new JobOutcome.Rejected(MediaFailureReasons.For(e), e.Message);
        }

        // 2. Generate on the servers, until the deadline at most.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (job.Deadline is { } at)
            deadline.CancelAfter(Max(at - time.GetUtcNow(), TimeSpan.Zero));
        RemoteCompletion completion;
        try
        {
            completion = await CompleteAsync(job, prepared, deadline.Token).ConfigureAwait(false);
        }
        catch (UnsupportedByFlavorException e)
        {
            return new JobOutcome.Rejected(FailureReasons.UnsupportedContent, e.Message);
        }
        catch (RemoteRejectedException e)
        {
            return new JobOutcome.Rejected(FailureReasons.EngineRejected, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new JobOutcome.Rejected(FailureReasons.DeadlineExpired,
                $"deadline: {job.Deadline:O} passed while the remote server was generating (a remote generation's partial output is not kept)");
        }

        // 3. Verify and map.
        if (RemoteCompletionMapper.Map(completion, prepared) is not { } result)
            return new JobOutcome.Rejected(FailureReasons.EngineError,
                $"the {Name(completion.Flavor)} server at {completion.Endpoint} reported no token usage (usage.prompt_tokens / usage.completion_tokens) " +
                "although stream_options.include_usage was sent; the job's accounting cannot be kept");
        if (result.ThinkingIgnored)
            RemoteLog.ThinkingIgnored(logger, job.JobId, completion.Endpoint, Name(completion.Flavor));
        return new JobOutcome.Completed(result);
    }

    private async Task<RemoteCompletion> CompleteAsync(SubmitPromptJob job, PreparedRemoteJob prepared, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await client.CompleteAsync(prepared.Request, cancellationToken).ConfigureAwait(false);
            }
            catch (RemoteTransientException e) when (Pool.AllDown)
            {
                // NOTE: every endpoint went down under this request: an outage, not a fault of the job. Waiting costs
                // no attempt; the intake is paused meanwhile and a stop of the endpoint cancels the wait (the
                // message goes back to the queue).
                RemoteLog.WaitingForEndpoints(logger, job.JobId, e.Attempts, e.Message);
                await Pool.WhenAnyUpAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RemoteTransientException e)
            {
                throw new TransientJobException($"job {job.JobId}: the remote servers failed {e.Attempts} times; the last: {e.Message}", e);
            }
        }
    }

    private string? VideoRefusal()
    {
        var flavors = Pool.Status().Select(s => s.Flavor).ToList();
        if (flavors.Count == 0 || flavors.Any(f => f is null || FlavorDialect.For(f.Value).AcceptsVideo))
            return null;
        var names = string.Join(", ", flavors.Select(f => Name(f!.Value)).Distinct());
        return $"video parts are not supported by the {names} server flavor (only vllm serves Intern-S1's video path)";
    }

    private static string Name(Options.RemoteFlavor flavor) => flavor.ToString().ToLowerInvariant();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
