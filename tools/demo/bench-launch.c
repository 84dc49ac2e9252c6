/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * confab-bench-launch: starts a program on the current X display and says
 * how long it took until its first top-level window was mapped and until
 * that window first had content drawn (the first XDamage report), both on
 * the monotonic clock from just before exec. The program keeps running;
 * its pid is printed so the caller can measure and stop it.
 *
 *   confab-bench-launch [--timeout SECONDS] [--log FILE] -- PROGRAM [ARGS...]
 *   → "pid=1234 map_ms=210.5 paint_ms=233.0" (or "-" for what never came)
 *
 * The program's output goes to FILE (default /dev/null), never to ours, so
 * that `$(confab-bench-launch …)` returns while the program runs.
 *
 * Watching from outside measures any program the same way, with no hook
 * in it, which is what a side-by-side benchmark needs. Meant for a private
 * Xvfb with nothing else mapping windows (tools/bench-ui).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
usage (void)
{
  fprintf (stderr, "Usage: confab-bench-launch [--timeout SECONDS] [--log FILE] -- PROGRAM [ARGS...]\n");
  return 2;
}

int
main (int    argc,
      char **argv)
{
  Display *display;
  int damage_event, damage_error;
  double timeout_ms = 60000, start, map_ms = -1, paint_ms = -1;
  const char *log = "/dev/null";
  Window mapped = None;
  /* Damage is tracked from each window's creation, so that a frame drawn
   * right after the map is never missed. */
  Damage damages[64];
  int n_damages = 0;
  int first = 1;
  pid_t pid;

  while (first < argc && strcmp (argv[first], "--") != 0)
    {
      if (strcmp (argv[first], "--timeout") == 0 && first + 1 < argc)
        {
          timeout_ms = atof (argv[first + 1]) * 1000.0;
          first += 2;
        }
      else if (strcmp (argv[first], "--log") == 0 && first + 1 < argc)
        {
          log = argv[first + 1];
          first += 2;
        }
      else
        return usage ();
    }
  if (first + 1 >= argc)
    return usage ();
  first++;

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "confab-bench-launch: cannot open the display\n");
      return 1;
    }
  if (!XDamageQueryExtension (display, &damage_event, &damage_error))
    damage_event = -1;
  XSelectInput (display, DefaultRootWindow (display), SubstructureNotifyMask);
  XSync (display, False);
  /* The program must not inherit our X connection. */
  fcntl (ConnectionNumber (display), F_SETFD, FD_CLOEXEC);

  fflush (NULL);
  start = now_ms ();
  pid = fork ();
  if (pid < 0)
    {
      perror ("confab-bench-launch: fork");
      return 1;
    }
  if (pid == 0)
    {
      int fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          dup2 (fd, STDOUT_FILENO);
          dup2 (fd, STDERR_FILENO);
        }
      execvp (argv[first], argv + first);
      fprintf (stderr, "confab-bench-launch: cannot run %s: %s\n", argv[first], strerror (errno));
      _exit (127);
    }

  while (paint_ms < 0 && now_ms () - start < timeout_ms)
    {
      struct pollfd pfd = { ConnectionNumber (display), POLLIN, 0 };

      if (XPending (display) == 0)
        {
          poll (&pfd, 1, 50);
          continue;
        }
      {
        XEvent event;

        XNextEvent (display, &event);
        if (event.type == CreateNotify && !event.xcreatewindow.override_redirect
            && damage_event >= 0 && n_damages < (int) (sizeof damages / sizeof damages[0]))
          damages[n_damages++] = XDamageCreate (display, event.xcreatewindow.window,
                                                XDamageReportNonEmpty);
        else if (event.type == MapNotify && mapped == None && !event.xmap.override_redirect)
          {
            map_ms = now_ms () - start;
            mapped = event.xmap.window;
            if (damage_event < 0)
              break;
          }
        else if (damage_event >= 0 && event.type == damage_event + XDamageNotify
                 && mapped != None && ((XDamageNotifyEvent *) &event)->drawable == mapped)
          paint_ms = now_ms () - start;
      }
    }

  for (int i = 0; i < n_damages; i++)
    XDamageDestroy (display, damages[i]);
  XCloseDisplay (display);

  printf ("pid=%d", (int) pid);
  if (map_ms >= 0)
    printf (" map_ms=%.1f", map_ms);
  else
    printf (" map_ms=-");
  if (paint_ms >= 0)
    printf (" paint_ms=%.1f\n", paint_ms);
  else
    printf (" paint_ms=-\n");
  return 0;
}
