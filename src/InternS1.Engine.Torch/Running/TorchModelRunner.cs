using System.Diagnostics;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Hardware;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Sampling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// <see cref="IModelRunner"/> over TorchSharp: one packed batch per step for the embeddings, projections,
/// MLP/MoE and lm_head; attention per sequence against its KV blocks; float32 sampling of the requests that
/// reach the end of their known tokens. Every tensor lives on <see cref="Device"/> (weights, KV pool, step
/// inputs, sampling state, media features); the step's inputs go up from host arrays and only the sampled ids
/// come back, in one copy per step. Only the engine thread calls it.
/// </summary>
public sealed class TorchModelRunner : IModelRunner
{
    private readonly ILogger _logger;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly MultimodalMerger _multimodal;
    private PagedKvCache? _cache;

    private TorchModelRunner(ICausalLanguageModel model, InternS1Config config, ModelRunnerInfo info,
        ComputeDtypeResolution dtype, ComputeDeviceResolution device, ILogger logger)
    {
        Model = model;
        Config = config;
        Info = info;
        DtypeResolution = dtype;
        Device = device;
        _dtype = dtype.Dtype.ToScalarType();
        _device = device.ToDevice();
        _logger = logger;
        _multimodal = new MultimodalMerger();
    }

    /// <inheritdoc />
    public ModelRunnerInfo Info { get; }

    /// <summary>The parsed config.json.</summary>
    public InternS1Config Config { get; }

    /// <summary>The compute dtype in use (resolved from the setting at load).</summary>
    public ComputeDtype Dtype => DtypeResolution.Dtype;

    /// <summary>The compute dtype, the setting it came from and why.</summary>
    public ComputeDtypeResolution DtypeResolution { get; }

    /// <summary>The device every tensor of this runner lives on, and why.</summary>
    public ComputeDeviceResolution Device { get; }

    /// <summary>The loaded module tree (parameters named as in the checkpoint).</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>Bytes of all parameters.</summary>
    public long WeightBytes => Model.Root.parameters().Sum(p => p.numel() * p.element_size());

    /// <summary>Bytes of the KV pool (0 before <see cref="InitializeKvCache"/>).</summary>
    public long KvCacheBytes => _cache?.Bytes ?? 0;

    /// <summary>True when the vision tower and projector are loaded (images and video can be served).</summary>
    public bool VisionLoaded => _multimodal.Encoder is not null;

    /// <summary>Encodes media runs (<see cref="MultimodalEncoder"/> after <see cref="Load"/> of a vision
    /// model); null for a text-only runner (such requests then fail individually).</summary>
    internal IMultimodalEncoder? MultimodalEncoder
    {
        get => _multimodal.Encoder;
        set => _multimodal.Encoder = value;
    }

    /// <summary>Reads config.json, generation_config.json and the safetensors weights of
    /// <paramref name="modelDirectory"/> (Intern-S1, Intern-S1-FP8, Intern-S1-mini or a plain Qwen3 /
    /// Qwen3-MoE folder) and builds the runner: the language model and, when config.json has a
    /// vision_config and <see cref="TorchRunnerOptions.LoadVision"/> is set, the vision tower and projector
    /// (one tensor-by-tensor load), which then encode image and video runs. Errors name the file, key or tensor.</summary>
    public static TorchModelRunner Load(string modelDirectory, TorchRunnerOptions? options = null, ILogger? logger = null)
    {
        options ??= new TorchRunnerOptions();
        logger ??= NullLogger.Instance;
        torch.set_num_threads(Math.Max(1, options.Threads ?? Environment.ProcessorCount));
        var watch = Stopwatch.StartNew();
        var config = InternS1Config.Load(modelDirectory);
        var generation = GenerationConfig.Load(modelDirectory);
        var quant = config.Quantization;
        if (quant?.QuantMethod is { } method && method != "fp8")
            throw new ModelConfigException($"quantization_config.quant_method '{method}' is not supported (supported: fp8 with weight_block_size)");

        var device = ComputeDeviceResolution.ResolveHere(options.Device);
        var dtype = ComputeDtypeResolution.Resolve(options.Dtype, device.Type, CpuFeatures.Current);
        var model = CausalLanguageModels.Create(config, dtype.Dtype.ToScalarType(), options.LoadVision, device.ToDevice());
        var parameters = model.Root.parameters().Sum(p => p.numel());
        logger.LogInformation("Compute dtype {Dtype} ({Reason}); {Footprint}; device {Device} ({DeviceReason})",
            dtype.Dtype.Name(), dtype.Reason, WeightFootprint.Describe(parameters, dtype.Dtype), device.Name, device.Reason);
        try
        {
            // NOTE: the parameters are allocated but not yet touched, so a refusal here costs no resident memory.
            WeightFootprint.Check(parameters, dtype, device, AvailableMemory.Bytes());
            WeightLoader.Load(model.Root, modelDirectory, WeightLoadOptions.For(config, model.UnbuiltPrefixes), logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var vision = model is InternS1ForConditionalGeneration { model.HasVision: true } s1 ? s1.model : null;
        if (config.VisionConfig is not null && vision is null)
            logger.LogInformation("Vision tower and projector not loaded (LoadVision is false): this runner serves text only; requests with images or video fail individually");

        var eos = SamplingDefaults.EosTokenIds(config, generation);
        if (eos.Count == 0)
            logger.LogWarning("No eos_token_id in {Dir}/generation_config.json or config.json: generation stops only at max tokens or stop strings", modelDirectory);
        var text = config.TextConfig;
        var info = new ModelRunnerInfo
        {
            ModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))),
            MaxModelLength = text.MaxPositionEmbeddings,
            VocabSize = text.VocabSize,
            EosTokenIds = eos,
            RecommendedSampling = SamplingDefaults.For(config, generation),
            NumLayers = text.NumHiddenLayers,
            NumKvHeads = text.KeyValueHeads,
            HeadDim = text.HeadDim,
            KvElementBytes = dtype.Dtype.ElementBytes(),
            TokensPerTile = vision is null ? 0 : config.ImageSeqLength,
            ImageTokenId = vision is null ? -1 : config.ImageTokenId,
        };
        var runner = new TorchModelRunner(model, config, info, dtype, device, logger);
        runner._multimodal.ImageTokenId = info.ImageTokenId;
        if (vision is not null)
            runner.MultimodalEncoder = new MultimodalEncoder(vision);
        else
            runner._multimodal.UnavailableReason = config.VisionConfig is null
                ? "the model has no vision_config: it is text-only"
                : "the runner was loaded with LoadVision = false: it serves text only";
        logger.LogInformation("Loaded {Model} ({Layers} layers, {Experts} experts, {Params:N0} parameters of which {VisionParams:N0} vision, {Dtype} on {Device}) in {Seconds:F1} s",
            info.ModelName, text.NumHiddenLayers, text.NumExperts, parameters,
            vision is null ? 0 : vision.vision_tower!.parameters().Concat(vision.multi_modal_projector!.parameters()).Sum(p => p.numel()),
            dtype.Dtype.Name(), device.Name, watch.Elapsed.TotalSeconds);
        return runner;
    }

    /// <inheritdoc />
    public void InitializeKvCache(int numBlocks, int blockSize)
    {
        _cache?.Dispose();
        _cache = null;
        _cache = new PagedKvCache(Info.NumLayers, numBlocks, blockSize, Info.NumKvHeads, Info.HeadDim, _dtype, _device);
        _logger.LogInformation("KV cache: {Blocks} blocks x {BlockSize} tokens, {MiB:F1} MiB", numBlocks, blockSize, _cache.Bytes / 1048576.0);
    }

    /// <inheritdoc />
    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        var cache = _cache ?? throw new InvalidOperationException("InitializeKvCache must be called before Execute");
        _multimodal.Forget(schedule.FinishedRequestIds);
        if (schedule.Requests.Count == 0) return new ModelRunnerOutput([]);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();

        // 1. validate and pack every runnable request into one token batch
        var packed = PackedStep.Pack(schedule, cache, Info, _multimodal.Check, _device);
        var errors = packed.Requests.Select(r => r.Error).ToArray();
        var sampled = new int?[schedule.Requests.Count];
        var logits = new float[]?[schedule.Requests.Count];
        var maskTime = TimeSpan.Zero;
        if (packed.TokenCount > 0)
            maskTime = RunModel(schedule, packed, cache, errors, sampled, logits);
        return BuildOutput(schedule, errors, sampled, logits) with { MaskTime = maskTime };
    }

    /// <returns>The time spent applying token masks.</returns>
    private TimeSpan RunModel(SchedulerOutput schedule, PackedStep packed, PagedKvCache cache, string?[] errors, int?[] sampled, float[]?[] logitsOut)
    {
        var maskTime = TimeSpan.Zero;
        var n = schedule.Requests.Count;
        // 2. embeddings, with media features over their placeholder rows
        var embeds = Model.Embed(torch.tensor(packed.TokenIds, device: _device));        // [T, hidden]
        for (var i = 0; i < n; i++)
            if (packed.Requests[i].Slice is { } slice && errors[i] is null)
                errors[i] = _multimodal.Apply(embeds, schedule.Requests[i], slice);
        // 3. the decoder over the packed batch
        var batch = new AttentionBatch
        {
            Positions = torch.tensor(packed.Positions, device: _device),
            SlotMapping = torch.tensor(packed.Slots, device: _device),
            Sequences = packed.AttentionSequences,
            Decode = packed.Decode,
            Cache = cache,
        };
        var hidden = Model.Forward(embeds, batch);                                        // [T, hidden]
        // 4. logits of each request's last row, where sampling or logits were asked for
        var wanted = Enumerable.Range(0, n).Where(i => errors[i] is null && packed.Requests[i].Slice is not null
            && (schedule.Requests[i].Sample || schedule.Requests[i].ReturnLogits)).ToArray();
        if (wanted.Length > 0)
        {
            var rows = torch.tensor(wanted.Select(i => (long)(packed.Requests[i].Slice!.PackedStart + packed.Requests[i].Slice!.Length - 1)).ToArray(), device: _device);
            var logits = Model.ComputeLogits(hidden.index_select(0, rows));                       // [R, V], model dtype
            // NOTE: full-vocabulary logits come to the host only when asked for (interns1 model logits).
            for (var j = 0; j < wanted.Length; j++)
                if (schedule.Requests[wanted[j]].ReturnLogits)
                    logitsOut[wanted[j]] = logits[j].to(ScalarType.Float32).cpu().data<float>().ToArray();
            // 5. sample the requests that reached the end of their known tokens, constrained ones under their token masks
            var sample = Enumerable.Range(0, wanted.Length).Where(j => schedule.Requests[wanted[j]].Sample).ToArray();
            // NOTE: the sampler takes bfloat16 logits as they are (every bfloat16 is exactly a float32, and only the top-k
            // values are converted): [64, 153216] to float32 cost 13 ms of a 190 ms MoE decode step on 2 AMX cores. Token
            // masks write float32 in place, so a step with a masked row converts first.
            if (logits.dtype != ScalarType.Float32 && sample.Any(j => schedule.Requests[wanted[j]].TokenMask is not null))
                logits = logits.to(ScalarType.Float32);
            if (sample.Length > 0)
            {
                var sampleLogits = sample.Length == wanted.Length ? logits : logits.index_select(0, torch.tensor(sample.Select(j => (long)j).ToArray(), device: _device));
                maskTime = ApplyTokenMasks(sampleLogits, sample.Select(j => schedule.Requests[wanted[j]].TokenMask).ToArray());
                var tokens = Sampler.Sample(sampleLogits,
                    sample.Select(j => schedule.Requests[wanted[j]].Sampling).ToList(),
                    sample.Select(j => schedule.Requests[wanted[j]].OutputIndex).ToList());
                for (var s = 0; s < sample.Length; s++) sampled[wanted[sample[s]]] = tokens[s];
            }
        }
        return maskTime;
    }

    /// <summary>Disallowed logits -> -inf for the rows with a token mask (a separate step before the sampler, so
    /// unconstrained rows and batches without masks pay nothing).</summary>
    private static TimeSpan ApplyTokenMasks(Tensor logits, ulong[]?[] masks)
    {
        if (Array.TrueForAll(masks, m => m is null)) return TimeSpan.Zero;
        var start = Stopwatch.GetTimestamp();
        TokenMasks.Apply(logits, masks);
        return Stopwatch.GetElapsedTime(start);
    }

    private static ModelRunnerOutput BuildOutput(SchedulerOutput schedule, string?[] errors, int?[] sampled, float[]?[] logits)
    {
        var outputs = new RequestOutput[schedule.Requests.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var r = schedule.Requests[i];
            outputs[i] = errors[i] is { } e
                ? new RequestOutput(r.RequestId, null, null, e)
                : new RequestOutput(r.RequestId, r.Sample ? sampled[i] : null, logits[i]);
        }
        return new ModelRunnerOutput(outputs);
    }

    /// <summary>Frees the KV pool, kept media features and the weights.</summary>
    public void Dispose()
    {
        _multimodal.Dispose();
        _cache?.Dispose();
        Model.Dispose();
    }
}
