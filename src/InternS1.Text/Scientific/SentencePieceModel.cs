using Google.Protobuf;

namespace InternS1.Text.Scientific;

/// <summary>Type of a SentencePiece vocabulary entry (sentencepiece_model.proto <c>SentencePiece.Type</c>).</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>SentencePiece model algorithm (<c>TrainerSpec.ModelType</c>).</summary>
public enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}

/// <summary>One vocabulary entry of a SentencePiece model; its id is its index.</summary>
public sealed record SentencePiece(string Piece, float Score, SentencePieceType Type = SentencePieceType.Normal);

/// <summary>
/// The fields of a SentencePiece <c>.model</c> file (protobuf <c>ModelProto</c>) that encoding needs, read and
/// written with Google.Protobuf's coded streams (field numbers of sentencepiece_model.proto; unknown fields are
/// skipped when reading).
/// </summary>
public sealed class SentencePieceModel
{
    /// <summary>Vocabulary, id = index.</summary>
    public required IReadOnlyList<SentencePiece> Pieces { get; init; }
    public SentencePieceModelType ModelType { get; init; } = SentencePieceModelType.Unigram;
    public bool ByteFallback { get; init; }
    public bool TreatWhitespaceAsSuffix { get; init; }
    public string NormalizerName { get; init; } = "identity";
    public byte[]? PrecompiledCharsmap { get; init; }
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;

    // ModelProto
    private const int PiecesField = 1, TrainerSpecField = 2, NormalizerSpecField = 3;
    // ModelProto.SentencePiece
    private const int PieceField = 1, ScoreField = 2, TypeField = 3;
    // TrainerSpec
    private const int ModelTypeField = 3, VocabSizeField = 4, TreatWhitespaceAsSuffixField = 24, ByteFallbackField = 35,
        UnkIdField = 40, BosIdField = 41, EosIdField = 42, PadIdField = 43;
    // NormalizerSpec
    private const int NameField = 1, CharsmapField = 2, AddDummyPrefixField = 3, RemoveExtraWhitespacesField = 4, EscapeWhitespacesField = 5;

    /// <summary>Reads a <c>.model</c> file.</summary>
    /// <exception cref="InvalidDataException">Not a SentencePiece model (message names the file and the problem).</exception>
    public static SentencePieceModel Load(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a valid SentencePiece model: {e.Message}", e);
        }
    }

    /// <summary>Parses the bytes of a <c>.model</c> file.</summary>
    public static SentencePieceModel Parse(byte[] data)
    {
        var pieces = new List<SentencePiece>();
        var modelType = SentencePieceModelType.Unigram;
        bool byteFallback = false, suffix = false, addDummy = true, removeExtra = true, escape = true;
        string name = "";
        byte[]? charsmap = null;
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case PiecesField:
                    pieces.Add(ReadPiece(input.ReadBytes()));
                    break;
                case TrainerSpecField:
                    var trainer = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint t;
                    while ((t = trainer.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case ModelTypeField: modelType = (SentencePieceModelType)trainer.ReadEnum(); break;
                            case ByteFallbackField: byteFallback = trainer.ReadBool(); break;
                            case TreatWhitespaceAsSuffixField: suffix = trainer.ReadBool(); break;
                            default: trainer.SkipLastField(); break;
                        }
                    }
                    break;
                case NormalizerSpecField:
                    var norm = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint n;
                    while ((n = norm.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(n))
                        {
                            case NameField: name = norm.ReadString(); break;
                            case CharsmapField: charsmap = norm.ReadBytes().ToByteArray(); break;
                            case AddDummyPrefixField: addDummy = norm.ReadBool(); break;
                            case RemoveExtraWhitespacesField: removeExtra = norm.ReadBool(); break;
                            case EscapeWhitespacesField: escape = norm.ReadBool(); break;
                            default: norm.SkipLastField(); break;
                        }
                    }
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        if (pieces.Count == 0) throw new InvalidDataException("the model has no pieces");
        if (pieces.Count(p => p.Type == SentencePieceType.Unknown) != 1)
            throw new InvalidDataException("the model must have exactly one piece of type UNKNOWN");
        return new SentencePieceModel
        {
            Pieces = pieces, ModelType = modelType, ByteFallback = byteFallback, TreatWhitespaceAsSuffix = suffix,
            NormalizerName = name, PrecompiledCharsmap = charsmap is { Length: > 0 } ? charsmap : null,
            AddDummyPrefix = addDummy, RemoveExtraWhitespaces = removeExtra, EscapeWhitespaces = escape,
        };
    }

    private static SentencePiece ReadPiece(ByteString bytes)
    {
        var s = new CodedInputStream(bytes.ToByteArray());
        string piece = "";
        float score = 0;
        var type = SentencePieceType.Normal;
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case PieceField: piece = s.ReadString(); break;
                case ScoreField: score = s.ReadFloat(); break;
                case TypeField: type = (SentencePieceType)s.ReadEnum(); break;
                default: s.SkipLastField(); break;
            }
        }
        return new SentencePiece(piece, score, type);
    }

    /// <summary>Serialises as a <c>ModelProto</c> the reference sentencepiece library loads.</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        var output = new CodedOutputStream(ms);
        foreach (var p in Pieces)
        {
            var pieceBytes = Message(o =>
            {
                o.WriteTag(PieceField, WireFormat.WireType.LengthDelimited); o.WriteString(p.Piece);
                o.WriteTag(ScoreField, WireFormat.WireType.Fixed32); o.WriteFloat(p.Score);
                if (p.Type != SentencePieceType.Normal) { o.WriteTag(TypeField, WireFormat.WireType.Varint); o.WriteEnum((int)p.Type); }
            });
            output.WriteTag(PiecesField, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(pieceBytes));
        }
        int IdOf(SentencePieceType type, string piece) =>
            Pieces.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Type == type && x.p.Piece == piece, (null!, -1)).Item2;
        var trainer = Message(o =>
        {
            o.WriteTag(ModelTypeField, WireFormat.WireType.Varint); o.WriteEnum((int)ModelType);
            o.WriteTag(VocabSizeField, WireFormat.WireType.Varint); o.WriteInt32(Pieces.Count);
            if (TreatWhitespaceAsSuffix) { o.WriteTag(TreatWhitespaceAsSuffixField, WireFormat.WireType.Varint); o.WriteBool(true); }
            o.WriteTag(ByteFallbackField, WireFormat.WireType.Varint); o.WriteBool(ByteFallback);
            o.WriteTag(UnkIdField, WireFormat.WireType.Varint); o.WriteInt32(Pieces.ToList().FindIndex(p => p.Type == SentencePieceType.Unknown));
            o.WriteTag(BosIdField, WireFormat.WireType.Varint); o.WriteInt32(IdOf(SentencePieceType.Control, "<s>"));
            o.WriteTag(EosIdField, WireFormat.WireType.Varint); o.WriteInt32(IdOf(SentencePieceType.Control, "</s>"));
            o.WriteTag(PadIdField, WireFormat.WireType.Varint); o.WriteInt32(IdOf(SentencePieceType.Control, "<pad>"));
        });
        output.WriteTag(TrainerSpecField, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(trainer));
        var normalizer = Message(o =>
        {
            o.WriteTag(NameField, WireFormat.WireType.LengthDelimited); o.WriteString(NormalizerName);
            if (PrecompiledCharsmap is { } cm) { o.WriteTag(CharsmapField, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(cm)); }
            o.WriteTag(AddDummyPrefixField, WireFormat.WireType.Varint); o.WriteBool(AddDummyPrefix);
            o.WriteTag(RemoveExtraWhitespacesField, WireFormat.WireType.Varint); o.WriteBool(RemoveExtraWhitespaces);
            o.WriteTag(EscapeWhitespacesField, WireFormat.WireType.Varint); o.WriteBool(EscapeWhitespaces);
        });
        output.WriteTag(NormalizerSpecField, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(normalizer));
        output.Flush();
        return ms.ToArray();
    }

    /// <summary>Writes the model to a <c>.model</c> file.</summary>
    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        write(o);
        o.Flush();
        return ms.ToArray();
    }
}
