using InternS1.Batch.Contracts.Failures;
using InternS1.Media;
using InternS1.Media.Intake;
using InternS1.Media.Prompts;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// The media step of <see cref="JobPreparer"/>, bounded before anything is decoded: every part is fetched and probed
/// (image header, video probe) one after the other, and the job is refused as soon as the parts' tokens (exact for
/// images, from the declared frame count for videos) plus the text's lower bound exceed the model context
/// (<c>prompt_too_long</c>), or their decoding memory exceeds the whole <see cref="DecodedMemoryBudget"/>
/// (<c>media_too_large</c>). Then the job waits for room in the budget (the deadline paused), decodes its parts and keeps
/// only its tiles' share of the reservation.
/// </summary>
internal static class MediaPreparation
{
    /// <summary>The decoded parts, in order, and the reservation they hold (null without media).</summary>
    public sealed record Decoded(IReadOnlyList<PromptMedia> Media, DecodedMemoryBudget.Reservation? Reservation);

    public static async Task<Decoded> PrepareAsync(MediaLoader loader, DecodedMemoryBudget budget, IReadOnlyList<TemplateContext.MediaPart> parts,
        long textTokens, int maxPromptTokens, PreparationDeadline deadline)
    {
        if (parts.Count == 0)
            return new Decoded([], null);
        var probed = new List<ProbedMedia>(parts.Count);
        DecodedMemoryBudget.Reservation? reservation = null;
        try
        {
            long mediaTokens = 0, bytes = 0;
            foreach (var part in parts)
            {
                var p = await Media(() => loader.ProbeAsync(part.Source, part.Part, part.NumFrames, deadline.Token)).ConfigureAwait(false);
                probed.Add(p);
                mediaTokens += p.MinimumContextTokens;
                bytes += p.TransientBytes + p.TileBytes;
                if (textTokens + mediaTokens > maxPromptTokens)
                    throw new JobPreparationException(FailureReasons.PromptTooLong,
                        $"messages: the prompt has at least {textTokens + mediaTokens} tokens ({mediaTokens} of them for the {probed.Count} media part(s) " +
                        $"read so far, from image headers and video probes), over the {maxPromptTokens} tokens the model can take");
                if (bytes > budget.CapacityBytes)
                    throw new JobPreparationException(FailureReasons.MediaTooLarge,
                        $"messages: the media parts need about {Mib(bytes)} MiB to decode ({probed.Count} of {parts.Count} read so far), " +
                        $"over Media:MaxDecodedBytes ({Mib(budget.CapacityBytes)} MiB)");
            }

            deadline.Pause();
            reservation = await budget.ReserveAsync(bytes, deadline.Token).ConfigureAwait(false);
            deadline.Resume();

            var decoded = new List<PromptMedia>(probed.Count);
            foreach (var p in probed)
            {
                decoded.Add(await Media(() => loader.DecodeAsync(p, deadline.Token)).ConfigureAwait(false));
                deadline.Token.ThrowIfCancellationRequested();
            }
            reservation.ShrinkTo(probed.Sum(p => p.TileBytes));
            return new Decoded(decoded, reservation);
        }
        catch
        {
            reservation?.Dispose();
            throw;
        }
        finally
        {
            foreach (var p in probed) p.Dispose();
        }
    }

    private static async Task<T> Media<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (MediaException e)
        {
            throw new JobPreparationException(MediaFailureReasons.For(e), e.Message, e);
        }
    }

    private static long Mib(long bytes) => (bytes + (1 << 20) - 1) >> 20;
}
