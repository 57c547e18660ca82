using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Places checkpoint tensors into a module's parameters by name (registered parameter paths are
/// checkpoint paths), tensor by tensor and chunk by chunk, converting to each parameter's dtype;
/// FP8 weights (<c>F8_E4M3</c> + <c>weight_scale_inv</c>) are dequantised on the way. Checks the
/// whole name/shape/dtype mapping first and fails once with <see cref="CheckpointMismatchException"/>.
/// </summary>
public static class WeightLoader
{
    private const string ScaleSuffix = "_scale_inv";

    /// <summary>Loads every parameter of <paramref name="module"/> from <paramref name="checkpoint"/>.</summary>
    public static void Load(nn.Module module, SafetensorsCheckpoint checkpoint, WeightLoadOptions? options = null, ILogger? logger = null)
    {
        options ??= new WeightLoadOptions();
        logger ??= NullLogger.Instance;
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);

        var missing = new List<string>();
        var misshaped = new List<string>();
        var unsupported = new List<string>();
        var unexpected = new List<string>();
        var ignoredByPrefix = new Dictionary<string, int>();

        foreach (var (name, param) in parameters)
        {
            if (!checkpoint.Tensors.TryGetValue(name, out var info))
            {
                missing.Add($"{name} {Shape(param.shape)} ({checkpoint.ShardOf(name)})");
                continue;
            }
            if (!info.Shape.SequenceEqual(param.shape))
                misshaped.Add($"{name}: checkpoint {info.ShapeText}, model {Shape(param.shape)} ({info.FileName})");
            if (info.Dtype is null or SafetensorsDtype.F8_E5M2 || (info.Dtype == SafetensorsDtype.F8_E4M3 && info.Shape.Length != 2))
                unsupported.Add($"{name}: dtype {info.DtypeName} ({info.FileName})");
            else if (info.Dtype == SafetensorsDtype.F8_E4M3 && !checkpoint.Tensors.ContainsKey(name + ScaleSuffix))
                unsupported.Add($"{name}: F8_E4M3 without {name + ScaleSuffix} ({info.FileName})");
        }
        foreach (var (name, info) in checkpoint.Tensors)
        {
            if (parameters.ContainsKey(name)) continue;
            if (name.EndsWith(ScaleSuffix, StringComparison.Ordinal) && parameters.ContainsKey(name[..^ScaleSuffix.Length])) continue;
            var prefix = options.IgnoredPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
            if (prefix is not null)
            {
                ignoredByPrefix[prefix] = ignoredByPrefix.GetValueOrDefault(prefix) + 1;
                continue;
            }
            // NOTE: FP8 weights are dequantised at load and activations stay in the compute dtype, so
            // static activation scales (input_scale) are not needed; rotary inv_freq is recomputed.
            if (options.IgnoredNames.Contains(name) || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
                || (name.EndsWith(".input_scale", StringComparison.Ordinal) && parameters.ContainsKey(name[..^".input_scale".Length] + ".weight")))
            {
                logger.LogInformation("Checkpoint tensor {Name} is not used by the model and was skipped", name);
                continue;
            }
            unexpected.Add($"{name} {info.ShapeText} ({info.FileName})");
        }

        if (missing.Count + misshaped.Count + unsupported.Count + unexpected.Count > 0)
            throw Mismatch(checkpoint, missing, unexpected, misshaped, unsupported);
        foreach (var (prefix, count) in ignoredByPrefix)
            logger.LogInformation("Skipped {Count} checkpoint tensors under {Prefix} (not built by this model)", count, prefix);

        using var noGrad = torch.no_grad();
        foreach (var (name, param) in parameters)
            CopyInto(param, checkpoint, checkpoint.Tensors[name], options);
    }

    /// <summary>Reads one tensor into a new CPU tensor of <paramref name="dtype"/> (FP8 dequantised).</summary>
    public static Tensor ReadTensor(SafetensorsCheckpoint checkpoint, string name, ScalarType dtype, WeightLoadOptions? options = null)
    {
        if (!checkpoint.Tensors.TryGetValue(name, out var info))
            throw new CheckpointException($"tensor '{name}' is {checkpoint.ShardOf(name)}");
        var result = torch.empty(info.Shape, dtype);
        using var noGrad = torch.no_grad();
        CopyInto(result, checkpoint, info, options ?? new WeightLoadOptions());
        return result;
    }

    private static void CopyInto(Tensor destination, SafetensorsCheckpoint checkpoint, SafetensorsTensorInfo info, WeightLoadOptions options)
    {
        if (!info.Shape.SequenceEqual(destination.shape))
            throw new CheckpointException($"tensor '{info.Name}' has shape {info.ShapeText}, expected {Shape(destination.shape)} ({info.FileName})");
        if (info.ElementCount == 0) return;
        if (info.Dtype == SafetensorsDtype.F8_E4M3)
        {
            CopyFp8Into(destination, checkpoint, info, options);
            return;
        }
        var sourceType = info.Dtype?.TorchType()
            ?? throw new CheckpointException($"tensor '{info.Name}' has unsupported dtype {info.DtypeName} ({info.FileName}); supported: F32, BF16, F16, F64, F8_E4M3 (block-scaled), I64, I32, I16, I8, U8, BOOL");
        var elementSize = info.Dtype.Value.ElementSize();
        using var flat = destination.view(-1);
        var perChunk = Math.Max(1, options.MaxChunkBytes / elementSize);
        for (long start = 0; start < info.ElementCount; start += perChunk)
        {
            var count = Math.Min(perChunk, info.ElementCount - start);
            using var chunk = torch.empty(count, sourceType);
            checkpoint.ReadBytes(info, start * elementSize, chunk.bytes);
            using var target = flat.narrow(0, start, count);
            target.copy_(chunk);
        }
    }

    private static void CopyFp8Into(Tensor destination, SafetensorsCheckpoint checkpoint, SafetensorsTensorInfo info, WeightLoadOptions options)
    {
        var rows = info.Shape[0];
        var cols = info.Shape[1];
        var blockRows = options.Fp8BlockSize[0];
        var blockCols = options.Fp8BlockSize[1];
        var scaleName = info.Name + ScaleSuffix;
        var scaleInfo = checkpoint.Tensors.TryGetValue(scaleName, out var s) ? s
            : throw new CheckpointException($"FP8 tensor '{info.Name}' has no '{scaleName}' ({info.FileName})");
        long[] expected = [(rows + blockRows - 1) / blockRows, (cols + blockCols - 1) / blockCols];
        if (!scaleInfo.Shape.SequenceEqual(expected))
            throw new CheckpointException($"'{scaleName}' has shape {scaleInfo.ShapeText}, expected [{expected[0]}, {expected[1]}] for weight {info.ShapeText} with weight_block_size [{blockRows}, {blockCols}] ({scaleInfo.FileName})");
        using var scales = ReadTensor(checkpoint, scaleName, ScalarType.Float32, options);

        // Whole row blocks per chunk, so each chunk meets its own rows of scales.
        var blocksPerChunk = Math.Max(1, options.MaxChunkBytes / (4L * cols * blockRows));
        var raw = new byte[Math.Min(rows, blocksPerChunk * blockRows) * cols];
        for (long row0 = 0, block0 = 0; row0 < rows; row0 += blocksPerChunk * blockRows, block0 += blocksPerChunk)
        {
            var n = Math.Min(blocksPerChunk * blockRows, rows - row0);
            var bytes = raw.AsSpan(0, checked((int)(n * cols)));
            checkpoint.ReadBytes(info, row0 * cols, bytes);
            using var values = torch.empty([n, cols], ScalarType.Float32);
            Float8E4M3.Decode(bytes, MemoryMarshal.Cast<byte, float>(values.bytes));
            // scale rows [block0, block0 + ceil(n / blockRows)) expanded to [n, cols]
            using var blockScales = scales.narrow(0, block0, (n + blockRows - 1) / blockRows);
            using var rowScales = blockScales.repeat_interleave(blockRows, 0).narrow(0, 0, n);
            using var fullScales = rowScales.repeat_interleave(blockCols, 1).narrow(1, 0, cols);
            values.mul_(fullScales);
            using var target = destination.narrow(0, row0, n);
            target.copy_(values);
        }
    }

    private static CheckpointMismatchException Mismatch(SafetensorsCheckpoint checkpoint, List<string> missing, List<string> unexpected,
        List<string> misshaped, List<string> unsupported)
    {
        static string Section(string title, List<string> items) =>
            items.Count == 0 ? "" : $"\n  {items.Count} {title}:{string.Concat(items.Take(8).Select(i => "\n    " + i))}{(items.Count > 8 ? $"\n    ... and {items.Count - 8} more" : "")}";
        var hint = "";
        if (missing.Count > 0 && unexpected.Count > 0)
        {
            var m = missing[0].Split(' ')[0];
            var u = unexpected[0].Split(' ')[0];
            hint = $"\n  Likely cause: the checkpoint's names do not match the model built from config.json (e.g. '{u}' vs '{m}'): check that config.json belongs to these weights (Intern-S1 uses model.language_model.*, plain Qwen3 uses model.*).";
        }
        else if (misshaped.Count > 0)
        {
            hint = "\n  Likely cause: config.json dimensions (hidden_size, intermediate_size, heads, vocab_size, ...) do not match the weights.";
        }
        var message = $"checkpoint {checkpoint.Directory} does not fit the model:"
            + Section("missing tensors (name, model shape, shard)", missing)
            + Section("unexpected tensors", unexpected)
            + Section("tensors with the wrong shape", misshaped)
            + Section("tensors in an unsupported dtype (supported: F32, BF16, F16, F64, F8_E4M3 with weight_scale_inv)", unsupported)
            + hint;
        return new CheckpointMismatchException(message, missing, unexpected, misshaped, unsupported);
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
