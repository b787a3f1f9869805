package dev.workerclass.limit;

/**
 * The adaptive limit at one moment, as the endpoint shows it.
 *
 * @param algorithm {@code aimd}, {@code gradient} or {@code vegas}
 * @param current requests admitted at once now (never above the capacity)
 * @param min the least it may fall to
 * @param max the most it may rise to
 * @param changes times it changed since start
 * @param lineBound requests that may wait now
 */
public record LimitReport(String algorithm, int current, int min, int max, long changes, int lineBound) {

}
