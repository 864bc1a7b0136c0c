# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
SHELL := /bin/bash
ROS_DISTRO ?= jazzy
export ROS_DISTRO

.PHONY: setup demo test lint clean

## setup: create .venv with pinned ROS 2 wheels and dependencies, then colcon build (idempotent)
setup:
	@scripts/setup.sh

## demo: set up if needed, replay the sample session through the graph, write runs/<time>/report.html
demo: setup
	@scripts/demo.sh

## test: set up if needed, then run the whole test suite and ruff
test: setup
	@scripts/run_tests.sh

## lint: ruff only
lint: setup
	@.venv/bin/ruff check .

## clean: remove build products (keeps .venv)
clean:
	rm -rf build install log
