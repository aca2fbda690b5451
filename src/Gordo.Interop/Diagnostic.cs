namespace Gordo.Interop;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The config cannot be used.</summary>
    Error,

    /// <summary>The config can be used, but probably not as its author meant.</summary>
    Warning,
}

/// <summary>One problem found in a config: what, where, and how to fix it.</summary>
public sealed class Diagnostic
{
    private readonly string _formatted;

    internal Diagnostic(
        string code,
        DiagnosticSeverity severity,
        string message,
        string? hint,
        string file,
        int line,
        int column,
        string path,
        string formatted)
    {
        Code = code;
        Severity = severity;
        Message = message;
        Hint = hint;
        File = file;
        Line = line;
        Column = column;
        Path = path;
        _formatted = formatted;
    }

    /// <summary>The stable code, e.g. <c>GORDO0107</c>.</summary>
    public string Code { get; }

    /// <summary>Error or warning.</summary>
    public DiagnosticSeverity Severity { get; }

    /// <summary>True when this diagnostic is an error.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>How to fix it, or null when there is nothing useful to add.</summary>
    public string? Hint { get; }

    /// <summary>The file name as given (for configs loaded from a string, the name passed in).</summary>
    public string File { get; }

    /// <summary>1-based line; 0 when the problem is not tied to a place in the file.</summary>
    public int Line { get; }

    /// <summary>1-based column; 0 when the problem is not tied to a place in the file.</summary>
    public int Column { get; }

    /// <summary>The YAML path of the offending node, e.g. <c>machines[2].dataset.tags[0]</c> (may be empty).</summary>
    public string Path { get; }

    /// <summary>The compiler-style line: <c>file:line:col: error GORDO0107: message (at path)</c>.</summary>
    /// <returns>The formatted diagnostic.</returns>
    public override string ToString() => _formatted;
}
