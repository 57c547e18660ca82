using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary><see cref="MultimodalMerger"/>: where a run's image-feature rows land in a step's embeddings,
/// with an encoder that hands out recognisable rows (row r = [r + 0.1, r + 0.2, r + 0.3]).</summary>
public class MultimodalMergerTests
{
    private const int Hidden = 3;
    private static readonly float[] Untouched = [-1f, -1f, -1f];

    private sealed class RowEncoder(Func<MultimodalInput, Tensor>? encode = null) : IMultimodalEncoder
    {
        public int Calls { get; private set; }

        public Tensor Encode(MultimodalInput input)
        {
            Calls++;
            return encode?.Invoke(input) ?? Features(input.Length);
        }
    }

    private static Tensor Features(int rows) =>
        tensor(Enumerable.Range(0, rows).SelectMany(r => new[] { r + 0.1f, r + 0.2f, r + 0.3f }).ToArray(), [rows, Hidden]);

    private static float[] FeatureRow(int r) => [r + 0.1f, r + 0.2f, r + 0.3f];

    private static float[] Row(Tensor embeddings, int row) => embeddings[row].to(ScalarType.Float32).data<float>().ToArray();

    private static MultimodalInput Run(int offset, int length) => new()
    {
        Kind = MediaKind.Image, ContentHash = "h", Offset = offset, Length = length, NumTiles = 1, PixelValues = new float[1],
    };

    private static ScheduledRequest Chunk(int start, int length, MultimodalInput run) =>
        TestDriver.Request("r", Enumerable.Repeat(7, length).ToArray(), start, [0]) with { MultimodalInputs = [run] };

    [Fact]
    public void A_run_split_over_two_prefill_chunks_is_encoded_once_and_written_in_order_across_both()
    {
        // a run of 6 placeholders at prompt positions 103..108; chunks cover 100..105 and 106..111
        var encoder = new RowEncoder();
        using var merger = new MultimodalMerger { Encoder = encoder };
        var run = Run(103, 6);
        using var first = full(6, Hidden, -1f);
        using var second = full(6, Hidden, -1f);

        Assert.Null(merger.Apply(first, Chunk(100, 6, run), new SequenceSlice(0, 6, 100, null, null)));
        Assert.Null(merger.Apply(second, Chunk(106, 6, run), new SequenceSlice(0, 6, 106, null, null)));

        Assert.Equal(1, encoder.Calls);
        for (var row = 0; row < 3; row++) Assert.Equal(Untouched, Row(first, row));
        for (var row = 3; row < 6; row++) Assert.Equal(FeatureRow(row - 3), Row(first, row));
        for (var row = 0; row < 3; row++) Assert.Equal(FeatureRow(row + 3), Row(second, row));
        for (var row = 3; row < 6; row++) Assert.Equal(Untouched, Row(second, row));
    }

    [Fact]
    public void A_chunk_inside_a_long_run_gets_the_middle_rows_at_its_place_in_a_shared_batch()
    {
        // batch: another request's 4 rows, then this chunk (positions 50..53) at row 4, then 2 more rows; run at 40..59
        using var merger = new MultimodalMerger { Encoder = new RowEncoder() };
        using var embeddings = full(10, Hidden, -1f);

        Assert.Null(merger.Apply(embeddings, Chunk(50, 4, Run(40, 20)), new SequenceSlice(4, 4, 50, null, null)));

        for (var row = 0; row < 4; row++) Assert.Equal(Untouched, Row(embeddings, row));
        for (var row = 4; row < 8; row++) Assert.Equal(FeatureRow(row - 4 + 10), Row(embeddings, row));
        for (var row = 8; row < 10; row++) Assert.Equal(Untouched, Row(embeddings, row));
    }

    [Fact]
    public void Feature_rows_are_cast_to_the_embeddings_dtype()
    {
        using var merger = new MultimodalMerger { Encoder = new RowEncoder() };
        using var embeddings = full(2, Hidden, -1f, ScalarType.BFloat16);

        Assert.Null(merger.Apply(embeddings, Chunk(0, 2, Run(1, 1)), new SequenceSlice(0, 2, 0, null, null)));

        Assert.Equal(ScalarType.BFloat16, embeddings.dtype);
        Assert.Equal(Untouched, Row(embeddings, 0));
        Assert.Equal(FeatureRow(0), Row(embeddings, 1), (a, b) => Math.Abs(a - b) < 4e-3f);
    }

    [Fact]
    public void Features_of_the_wrong_shape_or_a_failing_encoder_become_the_request_error_and_write_nothing()
    {
        using var wrongShape = new MultimodalMerger { Encoder = new RowEncoder(input => Features(input.Length - 1)) };
        using var failing = new MultimodalMerger { Encoder = new RowEncoder(_ => throw new InvalidOperationException("tower broke")) };
        using var embeddings = full(4, Hidden, -1f);
        var chunk = Chunk(10, 4, Run(10, 4));
        var slice = new SequenceSlice(0, 4, 10, null, null);

        Assert.Equal("the vision features of the run at prompt position 10 have shape [3, 3], expected [4, 3]",
            wrongShape.Apply(embeddings, chunk, slice));
        Assert.Equal("encoding the image at prompt position 10 failed: tower broke", failing.Apply(embeddings, chunk, slice));
        for (var row = 0; row < 4; row++) Assert.Equal(Untouched, Row(embeddings, row));
    }
}
