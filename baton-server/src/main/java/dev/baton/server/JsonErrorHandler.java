package dev.baton.server;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's answer to requests it refuses before the API sees them (a malformed request line or
 * header, an ambiguous URI, a character not allowed in a path): the API's JSON error body instead
 * of an HTML page or an empty body, for every method, and never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    /** Every method gets the JSON body: Jetty's default gives one to GET, POST and HEAD only, none to the rest. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty closes the connection after refusing a request itself: tell the client not to reuse it
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CONNECTION, "close");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** What a 400 from here means and how to send the request instead. */
    static final String MALFORMED = "the request line, its path or a header is malformed: percent-encode spaces,"
            + " '|', '%' and non-ASCII characters in a path (%20, %7C, %25, %C3%A9 for 'é'); see /api/openapi.json"
            + " for the routes";

    static String message(int code, String detail) {
        String reason = HttpStatus.getMessage(code);
        String text = ("HTTP " + code + " " + (reason == null ? "" : reason)).strip();
        if (detail != null && !detail.isBlank() && !detail.equals(reason)) text += ": " + detail;
        return code == 400 ? text + "; " + MALFORMED : text;
    }

    private static byte[] body(int code, String message) {
        return ApiJson.write(new Bodies.Error(message(code, message)));
    }
}
