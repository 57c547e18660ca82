using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace InternS1.Media.Intake;

/// <summary>
/// Opens a media file for reading only when it is a regular file. A FIFO, a socket or a device inside the media root
/// would block <c>open()</c> (a FIFO without a writer) or never end (<c>/dev/zero</c>), so on Linux the file is opened
/// with <c>O_NONBLOCK</c> (which never blocks) and its type is read from the opened descriptor (<c>statx</c> with
/// <c>AT_EMPTY_PATH</c>, so nothing can be swapped in between); anything but a regular file is
/// <see cref="MediaErrorKind.Unreadable"/>. Elsewhere (or without <c>statx</c>) the file is opened as usual.
/// </summary>
internal static class RegularFile
{
    private const int ReadOnly = 0, NonBlocking = 0x800, CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000, Regular = 0x8000;

    /// <summary>Opens <paramref name="path"/> for reading; throws <see cref="MediaException"/> when it cannot be opened
    /// or is not a regular file.</summary>
    public static FileStream OpenRead(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return OpenReadLinux(path);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // NOTE: no usable libc entry point; fall through to the portable open.
            }
        }
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw MediaException.Unreadable($"file cannot be opened: {e.Message}", e);
        }
    }

    private static FileStream OpenReadLinux(string path)
    {
        var fd = Open(path, ReadOnly | NonBlocking | CloseOnExec, 0);
        if (fd < 0)
            throw MediaException.Unreadable($"file cannot be opened: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // struct statx: stx_mode is the u16 at byte 28 (the same layout on every architecture).
            var buffer = new byte[256];
            if (Statx(fd, "", EmptyPath, StatxType, buffer) != 0)
                throw MediaException.Unreadable($"file cannot be inspected: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            var type = BitConverter.ToUInt16(buffer, 28) & TypeMask;
            if (type != Regular)
                throw MediaException.Unreadable($"path is not a regular file (it is a {Describe(type)})");
            return new FileStream(handle, FileAccess.Read, 81920, isAsync: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string Describe(int type) => type switch
    {
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x4000 => "directory",
        0x6000 => "block device",
        0xC000 => "socket",
        _ => $"file of type 0x{type:X}",
    };

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
