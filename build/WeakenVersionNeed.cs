// MSBuild inline task (RoslynCodeTaskFactory) used by build/TorchSharpNative.targets.
//
// TorchSharp 0.107.0's libLibTorchSharp.so is linked against GCC 13 and lists the symbol
// version GLIBCXX_3.4.32 in its .gnu.version_r section. Debian 12's libstdc++ stops at 3.4.30,
// so the dynamic loader refuses the library. The only symbol bound to that version is
// std::ios_base_library_init(), a link-time anchor that is never called, so marking the
// version requirement weak (VER_FLG_WEAK) lets the loader accept the library.
// This task edits the copy in the build output (never the NuGet cache), and only when the
// system libstdc++ lacks the version. It is idempotent.
using System;
using System.IO;
using System.Text;

public class WeakenVersionNeed : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public string Library { get; set; }
    [Microsoft.Build.Framework.Required] public string Version { get; set; }

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxPaths = {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (!File.Exists(Library)) return true;
        if (SystemHasVersion())
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "system libstdc++ has " + Version + "; not patching");
            return true;
        }
        byte[] elf = File.ReadAllBytes(Library);
        int patched = Patch(elf);
        if (patched < 0) { Log.LogWarning("not a 64-bit little-endian ELF file: " + Library); return true; }
        if (patched > 0)
        {
            File.WriteAllBytes(Library, elf);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "marked " + Version + " weak in " + Library);
        }
        return true;
    }

    bool SystemHasVersion()
    {
        byte[] needle = Encoding.ASCII.GetBytes(Version + "\0");
        foreach (string path in LibStdCxxPaths)
        {
            if (File.Exists(path) && IndexOf(File.ReadAllBytes(path), needle) >= 0) return true;
        }
        return false;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Returns the number of requirements newly marked weak, or -1 for an unsupported file.
    int Patch(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1) return -1;
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int count = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            uint link = BitConverter.ToUInt32(elf, (int)sh + 0x28);
            uint entries = BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(elf, (int)(shoff + link * shentsize) + 0x18);
            count += PatchVerneed(elf, offset, entries, strtab);
        }
        return count;
    }

    int PatchVerneed(byte[] elf, long offset, uint entries, long strtab)
    {
        int count = 0;
        long need = offset;
        for (uint n = 0; n < entries; n++)
        {
            int cnt = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int a = 0; a < cnt; a++)
            {
                long name = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                if (CString(elf, name) == Version && (flags & VerFlgWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                    count++;
                }
                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }
            need += BitConverter.ToUInt32(elf, (int)need + 12);
        }
        return count;
    }

    static string CString(byte[] elf, long at)
    {
        int end = (int)at;
        while (elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }
}
