package dev.baton.server;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body whole, refusing one larger than the route allows (413) whether or not the
 * client declared its length, before reading more than the limit.
 */
final class RequestBodies {
    private RequestBodies() {}

    /**
     * At most this much of a body the server refuses is read (and dropped) before answering, so
     * that a client still sending it gets the answer instead of a broken connection; beyond it,
     * the server answers at once and closes the connection.
     */
    static final long DISCARD_LIMIT = 64L << 20;

    /** Request attribute: the body was read whole (nothing left on the connection). */
    private static final String CONSUMED = "baton.body.consumed";

    static byte[] read(Context ctx, long max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) throw tooLarge(declared, max);
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] body;
            if (declared >= 0) {
                // the length is known: one array of that size, filled in place (no chunks to join)
                body = new byte[(int) declared];
                int n = in.readNBytes(body, 0, body.length);
                if (n < body.length) throw ApiError.badRequest("The request body ended after " + n + " of the "
                        + declared + " bytes its Content-Length announced");
            } else {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (body.length > max) throw tooLarge(-1, max);
            }
            ctx.attribute(CONSUMED, Boolean.TRUE);
            return body;
        } catch (IOException e) {
            throw ApiError.badRequest("Cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of the body of a request about to be refused; true if the
     * connection can carry another request afterwards (nothing was left, or all of it was read
     * within {@link #DISCARD_LIMIT}).
     */
    static boolean discardRest(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(CONSUMED)) || !hasBody(ctx)) return true;
        if (ctx.req().getContentLengthLong() > DISCARD_LIMIT) return false;
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > DISCARD_LIMIT) return false;
            }
            ctx.attribute(CONSUMED, Boolean.TRUE);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True if the request came with a body (declared length or chunked). */
    static boolean hasBody(Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"));
    }

    private static ApiError tooLarge(long size, long max) {
        return new ApiError(413, "The request body " + (size >= 0 ? "(" + size + " bytes) " : "") + "is larger than"
                + " the " + max + " bytes this route accepts" + (max < ServerOptions.DEFAULT_MAX_EVENTS_BODY
                ? "" : ": send smaller batches"));
    }
}
