package dev.workerclass.workers;

import java.util.List;

/**
 * The paths of the control plane on the application port: requests for them are served outside
 * the worker slots, so an operator can read and resize the workers while every one of them is
 * busy (gunicorn's TTIN/TTOU go to the arbiter, never to a worker).
 */
public final class ControlPlane {

	private static final ControlPlane NONE = new ControlPlane(List.of());

	private final List<String> prefixes;

	/** @param prefixes path prefixes such as {@code /actuator}; a prefix matches itself and what lies below it */
	public ControlPlane(List<String> prefixes) {
		this.prefixes = prefixes.stream().map(ControlPlane::trimSlash).filter((prefix) -> !prefix.isEmpty()).toList();
	}

	/** No control plane on this port (say, actuator runs on its own management port). */
	public static ControlPlane none() {
		return NONE;
	}

	/** Whether a request path (without the context path) belongs to the control plane. */
	public boolean matches(String path) {
		for (String prefix : this.prefixes) {
			if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
				return true;
			}
		}
		return false;
	}

	public List<String> prefixes() {
		return this.prefixes;
	}

	private static String trimSlash(String prefix) {
		String trimmed = prefix.trim();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return (trimmed.isEmpty() || trimmed.startsWith("/")) ? trimmed : "/" + trimmed;
	}

}
