package dev.workerclass;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller method (or every handler method of a class) as one that blocks in a way the
 * worker class cannot absorb: a native call that holds a virtual thread's carrier, or a blocking
 * call under {@code reactive}. Such handlers run on the bounded platform-thread offload pool
 * ({@code server.offload-threads}), whatever the worker class: the Java form of gunicorn's advice
 * to move a blocking C call out of a gevent worker into another process.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Blocking {

}
