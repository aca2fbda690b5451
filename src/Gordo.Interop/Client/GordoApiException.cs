using System.Net;

namespace Gordo.Interop;

/// <summary>A Gordo server answered with an error status; the message is the server's error text.</summary>
public sealed class GordoApiException : Exception
{
    /// <summary>Creates the exception for a status code and the server's message.</summary>
    public GordoApiException(HttpStatusCode statusCode, string message)
        : base($"Gordo server answered {(int)statusCode} {statusCode}: {message}")
    {
        StatusCode = statusCode;
        ServerMessage = message;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error text of the reply (its <c>message</c> or <c>error</c> key, else the body).</summary>
    public string ServerMessage { get; }
}
